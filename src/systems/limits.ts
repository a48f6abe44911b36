/**
 * Device-count bounds of a system (no imports, so the CLI can check flags without loading the simulator).
 * ASSUMPTION: device counts beyond these are not a single serving system (CXL 3.0 allows 4,096 nodes).
 */
export const MAX_GPUS = 4096;
export const MAX_STACKS = 4096;
export const MAX_LINKS = 4096;
