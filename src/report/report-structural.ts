import { fmt, mdTable } from "./figures/types.ts";
import { systemLabel } from "./labels.ts";
import { PAPER_STATED } from "./paper.ts";
import type { StructuralStudy } from "./sensitivity-structural-study.ts";

/** The structural part of the sensitivity section of report.md. */

/** A column title for a headline key of the structural study. */
function headlineTitle(key: string): string {
  const [fig, metric, system] = key.split(".");
  if (fig === "fig8") return `${metric === "speedupVs" ? "speedup" : "energy eff."} vs ${systemLabel(system)}`;
  if (fig === "fig11") return "Fig. 11 decode speedup";
  return metric === "fcOnly" ? "FC-only bound" : "FC-PIM-alone bound";
}

/** Every structural choice switched to each alternative: how every headline moves, with each value's source. */
export function structuralSection(s: StructuralStudy, profile: string): string {
  const paper = (key: string) => PAPER_STATED.find((x) => x.key === key)?.value;
  const rows: string[][] = [
    ["paper", "", ...s.keys.map((k) => (paper(k) === undefined ? "" : `${fmt(paper(k)!)}x`))],
    [`profile ${profile}`, "", ...s.keys.map((k) => `**${fmt(s.base[k])}x**`)],
  ];
  for (const r of s.rows) {
    for (const v of r.values) {
      if (v.setups) continue;
      rows.push([r.choice, v.label, ...s.keys.map((k) => `${fmt(v.headlines[k])}x`)]);
    }
  }
  const sources = s.rows.map((r) => `- **${r.choice}** (${r.description}; \`${r.override}\`): ${r.values.map((v) => `${v.setups ? `**${v.label}** (the profile's)` : v.label}: ${v.source}`).join("; ")}.`);
  return [
    `Structural choices: each choice of the ${profile} profile switched, one at a time, to every sourced alternative, and every headline recomputed under the main protocol and semantics (the Fig. 8 grid and PIM-only PAPI's Fig. 11 runs rerun where the choice changes them; src/report/sensitivity-structural.ts). Bold: the profile's own values.`,
    "",
    mdTable(["choice", "switched to", ...s.keys.map(headlineTitle)], rows),
    "",
    "Each choice, its values and their sources:",
    "",
    ...sources,
  ].join("\n");
}
