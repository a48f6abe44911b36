import azureCode from "../../data/traces/azure-llm-2023-code.csv?raw";
import azureConv from "../../data/traces/azure-llm-2023-conv.csv?raw";
import dolly from "../../data/traces/dolly-lengths-gpt2.csv?raw";

/** The shipped trace files (data/traces/), bundled into the worker as text by Vite; keys are BUILT_IN_TRACES' file names. */
export const BUNDLED_TRACES: Readonly<Record<string, string>> = {
  "dolly-lengths-gpt2.csv": dolly,
  "azure-llm-2023-conv.csv": azureConv,
  "azure-llm-2023-code.csv": azureCode,
};
