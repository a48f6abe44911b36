import { fnv1a64Hex } from "../core/hash.ts";

/**
 * What identifies a run of the page: the compacted config and the uploaded trace's name and content hash. The page
 * reruns (and rewrites its link) when this changes; keying on the trace's byte length instead kept the old result and
 * the old shared link after an edited file of the same name and length was uploaded again.
 */
export function runKey(config: Record<string, unknown>, trace: { fileName: string; text: string } | undefined): string {
  return JSON.stringify([config, trace ? [trace.fileName, traceContentHash(trace.text)] : null]);
}

/** Content hash of an uploaded trace (64-bit FNV-1a of its text), remembered per text so a render does not rehash. */
export function traceContentHash(text: string): string {
  // Stryker disable next-line ConditionalExpression: a cache; hashing again gives the same hash
  if (text !== lastText) {
    lastText = text;
    lastHash = fnv1a64Hex(text);
  }
  return lastHash;
}
let lastText: string | undefined;
let lastHash = "";
