import type { Command } from "commander";
import { decodeKernels } from "../../models/kernels.ts";
import { resolveModel } from "../../models/registry.ts";
import { parsePositiveInt, printJson } from "../args.ts";

/** Aligned text table: first column left-aligned, the rest right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}

const sci = (x: number) => (x === 0 ? "0" : x.toExponential(3));

export function registerKernels(program: Command): void {
  program
    .command("kernels")
    .description("list the kernels of one decoding iteration with FLOPs, bytes and arithmetic intensity")
    .requiredOption("--model <name|path>", "model preset or path to a Hugging Face config.json")
    .option("--rlp <n>", "requests in the batch (request-level parallelism)", "1")
    .option("--tlp <n>", "tokens per request per iteration (token-level parallelism)", "1")
    .option("--context <n>", "KV length of every request, including the new tokens", "1024")
    .option("--json", "print the rows as JSON")
    .action((o: { model: string; rlp: string; tlp: string; context: string; json?: boolean }) => {
      const rlp = parsePositiveInt("--rlp", o.rlp);
      const tlp = parsePositiveInt("--tlp", o.tlp);
      const context = parsePositiveInt("--context", o.context);
      const model = resolveModel(o.model);
      const rows = decodeKernels(model, { rlp, tlp, contextLens: [Math.max(context, tlp)] });
      if (o.json) return printJson(rows);
      process.stdout.write(
        `${model.name}: RLP ${rlp}, TLP ${tlp}, context ${Math.max(context, tlp)}, ${model.num_hidden_layers} layers (per-layer rows repeat per layer)\n`,
      );
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
      process.stdout.write(formatTable(["kernel", "kind", "per", "count", "FLOPs", "bytes read", "bytes written", "FLOP/B"], table));
    });
}
