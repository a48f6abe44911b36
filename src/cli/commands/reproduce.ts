import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { PROTOCOLS, type Protocol } from "../../report/experiments.ts";
import { FIGURE_IDS, fmt, type FigureId } from "../../report/figures/types.ts";
import { reproduce } from "../../report/reproduce.ts";
import { parseNonNegativeInt, printJson } from "../args.ts";

function parseFigures(v: string): FigureId[] {
  if (v === "all") return [...FIGURE_IDS];
  const ids = v.split(",").map((s) => s.trim());
  for (const id of ids) {
    if (!(FIGURE_IDS as readonly string[]).includes(id)) throw new UserError(`--figures: unknown figure "${id}"; known: ${FIGURE_IDS.join(", ")}, all`);
  }
  return ids as FigureId[];
}

export function registerReproduce(program: Command): void {
  program
    .command("reproduce")
    .description("regenerate the paper's evaluation: figures (SVG, PNG, CSV) and a report beside the paper's numbers")
    .option("--figures <list>", `comma-separated: ${FIGURE_IDS.join(", ")} or all`, "all")
    .option("--out <dir>", "output folder", "papi-out")
    .option("--protocol <p>", "all-batches (whole dataset in consecutive static batches), one-batch (one seeded sample) or equal-lengths (one batch of mean-length requests, as AttAcc's simulator)", "all-batches")
    .option("--trace <name>", "trace of the end-to-end figures", "dolly-creative")
    .option("--seed <n>", "seed of the one-batch samples", "1")
    .option("--no-sensitivity", "skip the sensitivity study")
    .option("--json", "print the machine-readable summary")
    .action(async (o: { figures: string; out: string; protocol: string; trace: string; seed: string; sensitivity: boolean; json?: boolean }) => {
      if (!(PROTOCOLS as readonly string[]).includes(o.protocol)) throw new UserError(`--protocol must be one of ${PROTOCOLS.join(", ")}, got "${o.protocol}"`);
      const r = await reproduce({
        figures: parseFigures(o.figures),
        outDir: o.out,
        protocol: o.protocol as Protocol,
        seed: parseNonNegativeInt("--seed", o.seed),
        trace: o.trace,
        progress: !o.json,
        sensitivity: o.sensitivity,
      });
      if (o.json) return printJson(r.summary);
      const lines = [`papi reproduce: ${r.runs} runs in ${fmt(r.wallSec, 1)} s -> ${r.outDir}/report.html`];
      if (r.comparisons.length > 0) {
        lines.push("", "what".padEnd(44) + "paper".padStart(8) + "papi".padStart(8) + "ratio".padStart(8));
        for (const c of r.comparisons) lines.push(c.what.padEnd(44) + `${fmt(c.paper)}x`.padStart(8) + `${fmt(c.ours)}x`.padStart(8) + fmt(c.ours / c.paper).padStart(8));
      }
      process.stdout.write(lines.join("\n") + "\n");
    });
}
