import type { ServingRequest } from "./request-state.ts";

/**
 * The KV cache of one replica, in one of two modes (a batching policy uses one):
 * - reservation (the paper's static batching and papi 0.2): a request reserves the bytes of its whole sequence
 *   (prompt + output + the speculation's largest TLP) when admitted and frees them when it finishes, so it never
 *   runs out mid-request and nothing is ever preempted;
 * - paged (vLLM's PagedAttention): the cache is `numBlocks` blocks of `blockTokens` tokens; a request holds
 *   ceil(cached tokens / blockTokens) blocks, allocated as it grows. When the blocks run out the batching policy
 *   preempts (recompute: free them; swap: copy them to the host tier, `numSwapBlocks` blocks).
 * Capacity is the system's KV capacity (systems/build.ts: per replica; every replica has its own cache).
 */
export class KvCache {
  readonly numBlocks: number;
  usedBlocks = 0;
  reservedBytes = 0;
  /** the most blocks (paged) or bytes (reservation) ever in use, as a share of the capacity */
  peakLoad = 0;
  usedSwapBlocks = 0;

  constructor(
    readonly capacityBytes: number,
    readonly bytesPerToken: number,
    /** tokens per block (paged mode) */
    readonly blockTokens: number,
    /** blocks the host tier can hold for swapped-out requests */
    readonly numSwapBlocks: number,
  ) {
    this.numBlocks = Math.floor(capacityBytes / (blockTokens * bytesPerToken));
  }

  get blockBytes(): number {
    return this.blockTokens * this.bytesPerToken;
  }

  get freeBlocks(): number {
    return this.numBlocks - this.usedBlocks;
  }

  blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockTokens);
  }

  /** Blocks `r` must add to hold `tokens` cached tokens. */
  extraBlocks(r: ServingRequest, tokens: number): number {
    // within the blocks it holds (most decode steps): 0 without the division (ceil(t / B) <= k when t <= k B)
    if (tokens <= r.kvBlocks * this.blockTokens) return 0;
    return Math.max(0, this.blocksFor(tokens) - r.kvBlocks);
  }

  /** Grows `r` to hold `tokens` tokens; false (and nothing allocated) when too few blocks are free. */
  grow(r: ServingRequest, tokens: number): boolean {
    const extra = this.extraBlocks(r, tokens);
    if (extra > this.freeBlocks) return false;
    this.usedBlocks += extra;
    r.kvBlocks += extra;
    if (this.usedBlocks > this.peakLoad * this.numBlocks) this.peakLoad = this.usedBlocks / this.numBlocks;
    return true;
  }

  /** Frees every block `r` holds on the device. */
  freeBlocksOf(r: ServingRequest): void {
    this.usedBlocks -= r.kvBlocks;
    r.kvBlocks = 0;
  }

  /** Reservation mode: whether `bytes` more fit. */
  fits(bytes: number): boolean {
    return !(this.reservedBytes + bytes > this.capacityBytes);
  }

  reserve(r: ServingRequest, bytes: number): void {
    this.reservedBytes += bytes;
    r.kvBytes = bytes;
    if (this.reservedBytes > this.peakLoad * this.capacityBytes) this.peakLoad = this.reservedBytes / this.capacityBytes;
  }

  release(r: ServingRequest): void {
    this.reservedBytes -= r.kvBytes;
    r.kvBytes = 0;
  }

  /** Share of the cache in use (reserved bytes or held blocks), in [0, 1]. */
  get load(): number {
    return this.numBlocks > 0 ? Math.max(this.usedBlocks / this.numBlocks, this.reservedBytes / this.capacityBytes) : 1;
  }
}
