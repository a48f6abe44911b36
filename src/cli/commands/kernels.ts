import type { Command } from "commander";
import { MAX_BATCH, MAX_CONTEXT_TOKENS, MAX_TLP } from "../../serving/limits.ts";
import { parsePositiveInt } from "../args.ts";
import { formatTable, out, printJson } from "../io.ts";

const sci = (x: number) => (x === 0 ? "0" : x.toExponential(3));
/** Bounds of a kernel listing: those of a run (src/serving/limits.ts). */
const MAX_RLP = MAX_BATCH;
const MAX_CONTEXT = MAX_CONTEXT_TOKENS;

export function registerKernels(program: Command): void {
  program
    .command("kernels")
    .description("list the kernels of one decoding iteration with FLOPs, bytes and arithmetic intensity")
    .requiredOption("--model <name|path>", "model preset or path to a Hugging Face config.json")
    .option("--rlp <n>", `requests in the batch (request-level parallelism, <= ${MAX_RLP})`, "1")
    .option("--tlp <n>", `tokens per request per iteration (token-level parallelism, <= ${MAX_TLP})`, "1")
    .option("--context <n>", `KV length of every request, including the new tokens (<= ${MAX_CONTEXT})`, "1024")
    .option("--json", "print the rows as JSON")
    .action(async (o: { model: string; rlp: string; tlp: string; context: string; json?: boolean }) => {
      const rlp = parsePositiveInt("--rlp", o.rlp, MAX_RLP);
      const tlp = parsePositiveInt("--tlp", o.tlp, MAX_TLP);
      const context = parsePositiveInt("--context", o.context, MAX_CONTEXT);
      const { loadModel } = await import("../../node/models.ts");
      const { decodeKernels } = await import("../../models/kernels.ts");
      const model = loadModel(o.model);
      const rows = decodeKernels(model, { rlp, tlp, contextLens: [Math.max(context, tlp)] });
      const { assertFiniteResult } = await import("../../core/finite.ts");
      assertFiniteResult(rows, "the kernel table", [`--model ${o.model}`, "--rlp", "--tlp", "--context"]);
      if (o.json) return printJson(rows);
      out(`${model.name}: RLP ${rlp}, TLP ${tlp}, context ${Math.max(context, tlp)}, ${model.num_hidden_layers} layers (per-layer rows repeat per layer)\n`);
      const table = rows.map((r) => [
        r.name,
        r.kind,
        r.perLayer ? "layer" : "iter",
        Number.isInteger(r.count) ? String(r.count) : r.count.toFixed(2),
        sci(r.flops),
        sci(r.bytesRead),
        sci(r.bytesWritten),
        r.arithmeticIntensity.toFixed(2),
      ]);
      out(formatTable(["kernel", "kind", "per", "count", "FLOPs", "bytes read", "bytes written", "FLOP/B"], table));
    });
}
