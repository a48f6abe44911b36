import type { Row } from "./chart-parts.ts";

/** Paper spellings of system and model ids, for chart labels (pure: the report and the browser explorer share them). */
const LABEL: Record<string, string> = {
  "a100-attacc": "A100+AttAcc",
  "a100-hbmpim": "A100+HBM-PIM",
  "attacc-only": "AttAcc-only",
  papi: "PAPI",
  "pim-only-papi": "PIM-only PAPI",
  "gpu-only": "GPU-only",
};
export const systemLabel = (s: string): string => LABEL[s] ?? s;
const MODEL_LABEL: Record<string, string> = { "llama-65b": "LLaMA-65B", "gpt3-66b": "GPT-3 66B", "gpt3-175b": "GPT-3 175B", "opt-30b": "OPT-30B" };
/** The paper's spelling of a model id, for chart labels (CSV files keep the ids). */
export const modelLabel = (m: string): string => MODEL_LABEL[m] ?? m;
/** Chart copies of rows with the model id replaced by its label. */
export const withModelLabels = (rows: readonly Row[]): Row[] => rows.map((r) => ({ ...r, model: modelLabel(String(r.model)) }));
const GPU_LABEL: Record<string, string> = { "a100-hbm3": "A100", "a100-80gb": "A100 (80 GB)", "h100-sxm": "H100", "h200-sxm": "H200" };
/** A short display name of a GPU preset id ("a100-hbm3" -> "A100"); unknown names are kept. */
export const gpuLabel = (g: string): string => GPU_LABEL[g] ?? g;
/** A PIM design's xPyB name: x FPUs per y banks ("4P1B"). */
export const designLabel = (d: { numFpus: number; numBanksPerFpuGroup: number }): string => `${d.numFpus}P${d.numBanksPerFpuGroup}B`;
