import type { Command } from "commander";
import { formatTable, out, printJson } from "../io.ts";

export function registerModels(program: Command): void {
  program
    .command("models")
    .description("list the model presets with parameter count and weight size")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      const { modelParamCount, modelWeightBytes, kvCacheBytesPerToken } = await import("../../models/params.ts");
      const { MODEL_PRESETS } = await import("../../models/registry.ts");
      const list = Object.values(MODEL_PRESETS).map((m) => ({
        ...m,
        paramCount: modelParamCount(m),
        weightBytes: modelWeightBytes(m),
        kvCacheBytesPerToken: kvCacheBytesPerToken(m),
      }));
      if (o.json) return printJson(list);
      const rows = list.map((m) => [
        m.name,
        `${(m.paramCount / 1e9).toFixed(2)} B`,
        `${(m.weightBytes / 1e9).toFixed(1)} GB`,
        `${(m.kvCacheBytesPerToken / 1e6).toFixed(3)} MB`,
        String(m.num_hidden_layers),
        String(m.hidden_size),
        `${m.num_attention_heads}/${m.num_key_value_heads ?? m.num_attention_heads}`,
        m.num_local_experts ? `${m.num_experts_per_tok} of ${m.num_local_experts}` : "-",
        m.dtype,
      ]);
      out(formatTable(["model", "params", "weights", "KV/token", "layers", "hidden", "heads/kv", "experts", "dtype"], rows));
    });
}
