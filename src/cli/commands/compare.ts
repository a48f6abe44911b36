import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { formatTable, out, printJson } from "../io.ts";

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("compare saved runs (folders written by papi run --out): metrics side by side and the config differences")
    .argument("<dirs...>", "two or more run folders; ratios are relative to the first")
    .option("--json", "print the comparison as JSON")
    .option("--html <file>", "also write an HTML page with the plots side by side")
    .action(async (dirs: string[], o: { json?: boolean; html?: string }) => {
      if (dirs.length < 2) throw new UserError("papi compare needs at least two run folders");
      const { fileTarget, labelOf, writeOutputFile, writesToStdout } = await import("../../node/output.ts");
      const htmlToStdout = o.html !== undefined && writesToStdout(o.html);
      if (htmlToStdout && o.json) throw new UserError(`--html ${o.html} and --json both write to stdout; give --html a file`);
      if (o.html !== undefined) fileTarget(o.html, labelOf("--html", o.html));
      const { readRunFolder, compareRuns, comparisonHtml, formatMetric: fmt } = await import("../../report/compare.ts");
      const runs = dirs.map(readRunFolder);
      const c = compareRuns(runs);
      if (o.html !== undefined) writeOutputFile(o.html, await comparisonHtml(c, runs), "--html");
      if (o.json) return printJson(c);
      if (htmlToStdout) return; // the page is the output
      const rows = c.metrics.map((m) => [
        `${m.name}${m.unit ? ` (${m.unit})` : ""}`,
        ...m.values.map((v, i) => (i === 0 ? fmt(v) : `${fmt(v)}${m.ratioToFirst[i] === null ? "" : ` (${m.ratioToFirst[i]!.toFixed(2)}x)`}`)),
      ]);
      out(formatTable(["metric", ...c.runs.map((r) => r.label)], rows));
      out("\ndesign under study:\n");
      for (const r of c.runs) out(`  ${r.label}: ${r.designUnderStudy}\n`);
      if (c.configDifferences.length === 0) out("\nconfigs: identical\n");
      else {
        out(`\nconfig differences (${c.configDifferences.length}):\n`);
        const cut = (s: string | undefined) => (s === undefined ? "(absent)" : s.length > 40 ? s.slice(0, 37) + "..." : s);
        out(formatTable(["path", ...c.runs.map((r) => r.label)], c.configDifferences.map((d) => [d.path, ...d.values.map(cut)])));
      }
    });
}
