import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { collect, parseNonNegativeInt } from "../args.ts";
import { out, printJson } from "../io.ts";

/** Figure ids, protocols (kept here so that `--help` loads nothing heavy; checked against the report's lists in tests). */
export const FIGURE_IDS_CLI = ["fig2", "fig4", "fig6", "fig7", "fig8", "fig10", "fig11", "fig12", "extra"] as const;
export const PROTOCOLS_CLI = ["all-batches", "one-batch", "equal-lengths"] as const;

function parseFigures(v: string): string[] {
  if (v === "all") return [...FIGURE_IDS_CLI];
  const ids = v.split(",").map((s) => s.trim());
  for (const id of ids) {
    if (!(FIGURE_IDS_CLI as readonly string[]).includes(id)) throw new UserError(`--figures: unknown figure "${id}"; known: ${FIGURE_IDS_CLI.join(", ")}, all`);
  }
  return ids;
}

export function registerReproduce(program: Command): void {
  program
    .command("reproduce")
    .description("regenerate the paper's evaluation: figures (SVG, PNG, CSV) and a report beside the paper's numbers")
    .option("--figures <list>", `comma-separated: ${FIGURE_IDS_CLI.join(", ")} or all`, "all")
    .option("--out <dir>", "output folder", "papi-out")
    .option("--protocol <p>", "all-batches (whole dataset in consecutive static batches), one-batch (one seeded sample) or equal-lengths (one batch of mean-length requests, as AttAcc's simulator)", "all-batches")
    .option("--trace <name>", "trace of the end-to-end figures", "dolly-creative")
    .option("--seed <n>", "seed of the one-batch samples and of the runs (default: the config's seed, else 1)")
    .option("--config <file>", "a run config (YAML or JSON) whose hardware, gpus, fcStacks, attnStacks, acceptanceRate, draft and seed apply to every system of every figure")
    .option("--set <path=value>", "override one such field, e.g. hardware.gpu=h100-sxm (repeatable; the value is YAML)", collect, [])
    .option("--profile <name>", "assumption profile of every run: papi (default) or attacc-toolchain; the report shows the other beside it")
    .option("--no-sensitivity", "skip the sensitivity study")
    .option("--chart-cache <dir>", "reuse charts rendered before from this folder (by content hash; created if missing, `npm start` uses node_modules/.cache/papi-charts)")
    .option("--json", "print the machine-readable summary")
    .action(async (o: { figures: string; out: string; protocol: string; trace: string; seed?: string; config?: string; set: string[]; profile?: string; sensitivity: boolean; chartCache?: string; json?: boolean }) => {
      if (!(PROTOCOLS_CLI as readonly string[]).includes(o.protocol)) throw new UserError(`--protocol must be one of ${PROTOCOLS_CLI.join(", ")}, got "${o.protocol}"`);
      const figures = parseFigures(o.figures);
      const flagSeed = o.seed === undefined ? undefined : parseNonNegativeInt("--seed", o.seed, 2 ** 32 - 1);
      const { loadReproduceSetup } = await import("../../report/setup-load.ts");
      const sets = o.profile === undefined ? o.set : [`profile=${o.profile}`, ...o.set];
      const { setup, seed: configSeed } = loadReproduceSetup({ configPath: o.config, sets });
      const { reproduce } = await import("../../report/reproduce.ts");
      const { fmt } = await import("../../report/figures/types.ts");
      const r = await reproduce({
        figures: figures as Parameters<typeof reproduce>[0]["figures"],
        outDir: o.out,
        protocol: o.protocol as Parameters<typeof reproduce>[0]["protocol"],
        seed: flagSeed ?? configSeed ?? 1,
        trace: o.trace,
        progress: !o.json,
        sensitivity: o.sensitivity,
        setup,
        chartCacheDir: o.chartCache,
      });
      if (o.json) return printJson(r.summary);
      const lines = [`papi reproduce: ${r.runs} runs in ${fmt(r.wallSec, 1)} s -> ${r.outDir}/report.html`];
      if (r.comparisons.length > 0) {
        // the main semantics and profile first, then the other semantics' value (summary.otherComputeSemantics) and
        // the other profile's (summary.otherProfile)
        const sems = Object.keys(r.comparisons[0].oursBySemantics ?? {});
        const profiles = Object.keys(r.comparisons[0].oursByProfile ?? {});
        const other = sems.slice(1);
        const otherProfiles = profiles.slice(1);
        const cell = (v: number | undefined, w: number) => (v === undefined ? "" : `${fmt(v)}x`).padStart(w);
        lines.push("", "what".padEnd(44) + "paper".padStart(8) + "papi".padStart(8) + "ratio".padStart(8) + other.map((s) => s.padStart(18)).join("") + otherProfiles.map((p) => p.padStart(18)).join(""));
        for (const c of r.comparisons) {
          const alt = other.map((s) => cell(c.oursBySemantics?.[s], 18)).join("") + otherProfiles.map((p) => cell(c.oursByProfile?.[p], 18)).join("");
          lines.push(c.what.padEnd(44) + `${fmt(c.paper)}x`.padStart(8) + `${fmt(c.ours)}x`.padStart(8) + fmt(c.ours / c.paper).padStart(8) + alt);
        }
        if (sems.length > 0) {
          const beside = [...other.map((s) => `${s} semantics`), ...otherProfiles.map((p) => `profile ${p}`)];
          lines.push("", `papi: ${sems[0]} PIM compute semantics, profile ${profiles[0] ?? "papi"} (the figures); ${beside.join(" and ")} beside it (report.md)`);
        }
      }
      const { changes } = r.summary.setup as { changes: { path: string; value: unknown }[] };
      if (changes.length > 0) {
        const set = changes.map((c) => `${c.path}=${typeof c.value === "string" ? c.value : JSON.stringify(c.value)}`).join(", ");
        lines.push(`design under study: ${set}; the systems keep the paper's names (their devices are replaced), the paper's values are for its own design`);
      }
      out(lines.join("\n") + "\n");
    });
}
