/**
 * The work of one iteration, the one batch type of the serving loop, the scheduler and the cost functions: per
 * request, how many new tokens run over how many keys. Decoding requests come first (each verifies `tlp` tokens: its
 * last accepted token and tlp - 1 drafts, over every key it has cached plus those tlp); prefill chunks follow (a
 * chunk of a prompt attends causally to itself and to the keys of the prompt's earlier chunks). A static batch's
 * prefill is one chunk per request (the whole prompt); continuous batching in papi 0.2 ran prefill and decoding in
 * separate iterations; chunked prefill (Sarathi-Serve) mixes them. The arrays are read, never kept: the serving loop
 * refills them in place every iteration.
 */
export interface Batch {
  /** requests in the iteration (decoding + prefill chunks) */
  numRequests: number;
  /** of which the first numDecode decode */
  numDecode: number;
  /** tokens every decoding request verifies this iteration (TLP) */
  tlp: number;
  /** per request: new tokens this iteration (tlp for decoding requests, the chunk's prompt tokens for prefill) */
  newTokens: ArrayLike<number>;
  /** per request: keys attended, i.e. keys cached before the iteration plus the new tokens */
  kvLens: ArrayLike<number>;
  /** sum of kvLens over the decoding requests */
  decodeKvTokens: number;
  /** prefill chunks that end their prompt: the prompt's last token gets logits (its first output token) */
  numPromptsEnded: number;
}

/** A decode-only batch: `kvLens[i]` = cached + tlp keys of request i. */
export function decodeBatch(kvLens: ArrayLike<number>, tlp: number, numRequests = kvLens.length): Batch {
  let total = 0;
  for (let i = 0; i < numRequests; i++) total += kvLens[i];
  return { numRequests, numDecode: numRequests, tlp, newTokens: new Array<number>(numRequests).fill(tlp), kvLens, decodeKvTokens: total, numPromptsEnded: 0 };
}

/** The prefill of whole prompts that start together (static batching): one chunk per request, nothing cached. */
export function prefillBatch(promptLens: readonly number[]): Batch {
  return { numRequests: promptLens.length, numDecode: 0, tlp: 1, newTokens: promptLens, kvLens: promptLens, decodeKvTokens: 0, numPromptsEnded: promptLens.length };
}

/** Tokens the iteration runs through the FC kernels: every request's new tokens. */
export function batchTokens(b: Batch): number {
  let t = b.numDecode * b.tlp;
  for (let i = b.numDecode; i < b.numRequests; i++) t += b.newTokens[i];
  return t;
}

/** Tokens that get logits (the LM head's rows): every decoding request's tlp, one per prompt that ends. */
export function batchLogitTokens(b: Batch): number {
  return b.numDecode * b.tlp + b.numPromptsEnded;
}
