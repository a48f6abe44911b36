/** Unit constants. Decimal prefixes for rates and sizes quoted by vendors; binary ones for DRAM geometry. */
export const KB = 1e3;
export const MB = 1e6;
export const GB = 1e9;
export const TB = 1e12;
export const KiB = 1024;
export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
export const NS = 1e-9;
export const US = 1e-6;
export const MS = 1e-3;
export const PJ = 1e-12;
export const TFLOPS = 1e12;
/** Bytes per element of a dtype. */
export const DTYPE_BYTES = { fp16: 2, bf16: 2, fp32: 4, fp8: 1, int8: 1 } as const;
export type Dtype = keyof typeof DTYPE_BYTES;
