/**
 * Bounds of a run (no imports, so the CLI can check flags without loading the simulator; the run config's schema
 * uses the same constants, so flags and files give the same ranges).
 */

/**
 * ASSUMPTION: at most 2 million requests per run (100x the Azure conversation hour; the serving loop handles
 * about that many in under a minute). Larger requests are an input error rather than a hang.
 */
export const MAX_REQUESTS = 2_000_000;
/** ASSUMPTION: arrival rates above 1e6 requests/s are not a serving scenario. */
export const MAX_RATE_PER_SEC = 1e6;
/** ASSUMPTION: bounds that keep one run a serving scenario (not a typo): batch <= 65,536; TLP <= 256. */
export const MAX_BATCH = 65_536;
export const MAX_TLP = 256;
/** Seeds are 32-bit (src/core/rng.ts). */
export const MAX_SEED = 2 ** 32 - 1;
/** ASSUMPTION: PAPI's alpha compares with RLP x TLP <= MAX_BATCH x MAX_TLP; 1e9 leaves room for "never". */
export const MAX_ALPHA = 1e9;
/** ASSUMPTION: a context (prompt + output) beyond 10 M tokens is no 2024 model's (the longest: ~1-2 M). */
export const MAX_CONTEXT_TOKENS = 10_000_000;
