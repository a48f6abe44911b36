import { FABRIC_NAMES } from "../fabric/schema.ts";
import { PROFILES, resolveAssumptions } from "../systems/profiles.ts";
import { Assumptions } from "../units/assumptions.ts";
import { attaccRestGrowthFor } from "./bounds.ts";
import type { Row } from "./chart-parts.ts";
import { arithmeticMean } from "./experiments.ts";
import { fmt, mdTable } from "./figures/types.ts";
import { PAPER_STATED } from "./paper.ts";
import { at, headlineRows, pimProse } from "./report-sections.ts";
import type { Headlines, HeadlinesWithPoints } from "./semantics.ts";
import type { StructuralStudy } from "./sensitivity-structural-study.ts";
import type { ReportSetup } from "./setup.ts";

/** Sections of report.md about the assumption profiles and the bounds (report-md.ts puts them together). */

/** Within this relative distance a value "reaches" a stated number (the sensitivity study's threshold, 15 %). */
const REACH = 0.15;

/** The per-point bounds of every profile, for bounds.csv. */
export function boundsCsvRows(profiles: readonly HeadlinesWithPoints[]): Row[] {
  return profiles.flatMap((h) => (h.boundsPerPoint ?? []).map((b) => ({ profile: h.profile, ...b, fcPimAlone: b.fcPimAlone ?? null })));
}

const show = (v: unknown): string => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** What each profile sets: every assumption (with the setup's overrides) and every fabric patch. */
function profileTable(profiles: readonly Headlines[], setup: ReportSetup): string {
  const names = profiles.map((h) => h.profile);
  const rows = Object.keys(Assumptions.shape).map((k) => [`\`assumptions.${k}\``, ...names.map((n) => `\`${show(resolveAssumptions(n, setup.assumptions)[k as keyof Assumptions])}\``)]);
  for (const f of FABRIC_NAMES) {
    const patches = names.map((n) => PROFILES.get(n).fabrics[f]);
    if (patches.some((p) => p !== undefined)) rows.push([`\`hardware.fabrics.${f}\``, ...patches.map((p) => (p === undefined ? "the system's" : `\`${show(p)}\``))]);
  }
  return mdTable(["choice", ...names.map((n) => `profile ${n}`)], rows);
}

/** Rows of the side-by-side table that come from bounds.ts (beside headlineRows). */
const BOUND_ROWS: readonly [string, string, string, (x: number) => string][] = [
  ["Bound: FC-only, PAPI over AttAcc-only (mean)", "—", "bounds.fcOnly.mean", (x) => `${fmt(x)}x`],
  ["Bound: FC-only, largest at any point", "—", "bounds.fcOnly.max", (x) => `${fmt(x)}x`],
  ["Bound: FC-PIM alone (from the Fig. 11 runs, mean)", "—", "bounds.fcPimAlone.mean", (x) => `${fmt(x)}x`],
];

/** The profiles section: what each sets, and every headline number under each. */
export function profilesSection(profiles: readonly Headlines[], setup: ReportSetup): string {
  const names = profiles.map((h) => h.profile);
  const rows = [...headlineRows(pimProse(setup)), ...BOUND_ROWS]
    .filter(([, , path]) => profiles.some((h) => at(h, path) !== undefined))
    .map(([label, paper, path, f]) => [label, paper, ...profiles.map((h) => (at(h, path) === undefined ? "" : f(at(h, path)!)))]);
  return [
    `An assumption profile is a named bundle of the structural choices the paper leaves open (src/systems/profiles.ts; each choice and its source in docs/assumptions.md, "Structural choices"). **${names[0]}** is the main one (the figures); every headline is computed again under ${names.slice(1).map((n) => `**${n}**`).join(", ")} with the same setup and compute semantics (${profiles[0].computeSemantics}). Neither profile is picked to match the paper: each is a set of mechanisms with sources, reported as it comes out.`,
    "",
    profileTable(profiles, setup),
    "",
    mdTable(["headline", "paper", ...names.map((n) => `profile ${n}`)], rows),
  ].join("\n");
}

/** One stated number under every profile and (if the study ran) every structural row of the main profile. */
interface Reach {
  key: string;
  what: string;
  paper: number;
  byProfile: { profile: string; value: number }[];
  /** structural rows: every value tried, labelled "choice: value" */
  structural: { label: string; value: number }[];
}

function reachOf(profiles: readonly Headlines[], structural: StructuralStudy | undefined): Reach[] {
  return PAPER_STATED.map((s) => ({
    key: s.key,
    what: s.what,
    paper: s.value,
    byProfile: profiles.filter((h) => at(h, s.key) !== undefined).map((h) => ({ profile: h.profile, value: at(h, s.key)! })),
    structural: (structural?.rows ?? []).flatMap((r) => r.values.filter((v) => !v.setups && v.headlines[s.key] !== undefined).map((v) => ({ label: `${r.choice}: ${v.label}`, value: v.headlines[s.key] }))),
  })).filter((r) => r.byProfile.length > 0);
}

const reaches = (paper: number, v: number) => Math.abs(v / paper - 1) <= REACH;
const closest = (paper: number, xs: readonly { label: string; value: number }[]) => xs.reduce((a, b) => (Math.abs(Math.log(b.value / paper)) < Math.abs(Math.log(a.value / paper)) ? b : a));

/** The generated explanation: which stated numbers no sourced assumption reaches, and why, quoting computed numbers. */
export function reachParagraphs(profiles: readonly HeadlinesWithPoints[], structural: StructuralStudy | undefined): string[] {
  const out: string[] = [];
  const main = profiles[0].profile;
  const withBounds = profiles.filter((h) => h.bounds && h.boundsPerPoint);
  for (const r of reachOf(profiles, structural)) {
    const candidates = [...r.byProfile.map((p) => ({ label: `profile ${p.profile}`, value: p.value })), ...r.structural];
    const under = r.byProfile.map((p) => `${p.profile} ${fmt(p.value)}x`).join(", ");
    const hitProfiles = r.byProfile.filter((p) => reaches(r.paper, p.value)).map((p) => p.profile);
    const hitSwitches = r.structural.filter((x) => reaches(r.paper, x.value));
    const lo = Math.min(...candidates.map((c) => c.value));
    const hi = Math.max(...candidates.map((c) => c.value));
    const span = r.structural.length > 0 ? ` Single structural switches from the ${main} profile give ${fmt(Math.min(...r.structural.map((x) => x.value)))}x to ${fmt(Math.max(...r.structural.map((x) => x.value)))}x${hitSwitches.length > 0 ? `, ${hitSwitches.length} of ${r.structural.length} within ${REACH * 100} %${hitSwitches.length <= 3 ? ` (${hitSwitches.map((x) => `${x.label}: ${fmt(x.value)}x`).join("; ")})` : ""}` : ""}.` : "";
    let text: string;
    if (hitProfiles.length > 0 || hitSwitches.length > 0) {
      const which = hitProfiles.length > 0 ? `within ${REACH * 100} % under ${hitProfiles.join(" and ")}` : `neither within ${REACH * 100} %`;
      text = `**${r.what}** (paper ${fmt(r.paper)}x): the profiles give ${under}, ${which}.${span}`;
    } else {
      const c = closest(r.paper, candidates);
      // Stryker disable next-line EqualityOperator: a value equal to the stated number reaches it, so this branch never sees lo or hi equal to it
      const bracket = lo < r.paper && r.paper < hi ? ` The values tried bracket it (${fmt(lo)}x to ${fmt(hi)}x), so some mix of these choices passes through it, but no single sourced choice lands within ${REACH * 100} %.` : "";
      text = `**${r.what}** (paper ${fmt(r.paper)}x): reached by neither profile (${under})${structural ? " nor by any single structural switch" : ""}; the closest is ${fmt(c.value)}x (${c.label}).${span}${bracket}`;
    }
    if (r.key === "fig8.speedupVs.attacc-only" && withBounds.length > 0) text += ` ${boundText(r.paper, withBounds, structural)}`;
    out.push(text);
  }
  return out;
}

/** Why the stated speedup over AttAcc-only is or is not within reach, from the bounds of every profile. */
function boundText(paper: number, profiles: readonly HeadlinesWithPoints[], structural: StructuralStudy | undefined): string {
  const each = profiles.map((h) => `${h.profile}: mean ${fmt(h.bounds!.fcOnly.mean)}x, at most ${fmt(h.bounds!.fcOnly.max)}x at any point`).join("; ");
  const rows = (structural?.rows ?? []).flatMap((r) => r.values.map((v) => ({ label: `${r.choice}: ${v.label}`, value: v.headlines["bounds.fcOnly.mean"] })));
  const top = rows.length > 0 ? rows.reduce((x, y) => (y.value > x.value ? y : x)) : undefined;
  const out: string[] = [];
  if (paper > Math.max(...profiles.map((h) => h.bounds!.fcOnly.mean))) {
    const rest = profiles.map((h) => {
      const pts = h.boundsPerPoint!;
      const today = arithmeticMean(pts.map((b) => b.attaccRestSec / b.papiRestSec));
      return `under ${h.profile} it is ${fmt(today)}x today and would have to grow ${fmt(attaccRestGrowthFor(paper, pts), 1)}-fold`;
    });
    out.push(
      `It exceeds the FC-only bound under every profile (${each}): if PAPI paid only the faster unit's FC time in each iteration and AttAcc-only only its FC and prefill, the average would stay below ${fmt(paper)}x. ` +
        `Reaching it needs AttAcc-only to spend far longer than PAPI on everything else (attention, collectives, host work). AttAcc-only's time outside FC and prefill, as a multiple of PAPI's time outside its FC floor (mean over the grid): ${rest.join("; ")}, with PAPI's times as computed. ` +
        "So no energy accounting (it moves no time) and no communication or attention choice that costs both systems alike can reach it; only a choice that burdens AttAcc-only alone (its PIM-side collectives: see \"PIM-side collective latency\" in the sensitivity study) or FC and prefill times other than papi's models could.",
    );
    if (top) out.push(paper > top.value ? `Across the structural switches the bound is at most ${fmt(top.value)}x (${top.label}).` : `The structural switch ${top.label} raises the bound to ${fmt(top.value)}x.`);
  } else {
    out.push(`The FC-only bound (${each}) does not rule it out: the non-FC costs PAPI pays (attention, communication, host work, its prefill) are what keep the ratio below it.`);
  }
  const alone = profiles.filter((h) => h.bounds!.fcPimAlone);
  if (alone.length > 0) out.push(`FC-PIM alone (PIM-only PAPI's decode, the Fig. 11 runs, with PAPI's prefill free) gives at most ${alone.map((h) => `${fmt(h.bounds!.fcPimAlone!.mean)}x under ${h.profile} (Fig. 11 ratio ${fmt(h.bounds!.fcPimAlone!.fig11Ratio)}x)`).join(", ")}; the rest of any gain must come from the GPU running FC and prefill.`);
  return out.join(" ");
}

/** The bounds section: how each bound is built, its numbers under each profile, and what they rule out. */
export function boundsSection(profiles: readonly HeadlinesWithPoints[], structural: StructuralStudy | undefined): string {
  const withBounds = profiles.filter((h) => h.bounds);
  const rows = withBounds.map((h) => {
    const b = h.bounds!;
    return [
      h.profile, `${fmt(b.speedup)}x`, `${fmt(b.fcOnly.mean)}x`, `${fmt(b.fcOnly.min)}x – ${fmt(b.fcOnly.max)}x`, `${b.fcOnly.premiseHolds} / ${b.fcOnly.points}`, `${b.fcOnly.boundHolds} / ${b.fcOnly.points}`,
      b.fcPimAlone ? `${fmt(b.fcPimAlone.fig11Ratio)}x` : "—", b.fcPimAlone ? `${fmt(b.fcPimAlone.mean)}x` : "—",
    ];
  });
  return [
    "Two bounds on PAPI's speedup over AttAcc-only, computed from the report's own runs over the Fig. 8 grid (src/report/bounds.ts; per point in [bounds.csv](bounds.csv)):",
    "",
    "- **FC-only**: at each point AttAcc-only's FC plus prefill time over PAPI's FC floor (for each decode iteration the faster of its FC units at that token count, FC kernels only), i.e. the speedup if nothing but FC, and AttAcc-only's prefill, cost time. It bounds the actual ratio wherever PAPI spends at least as long outside its FC floor as AttAcc-only outside FC and prefill (\"premise\").",
    "- **FC-PIM alone**: AttAcc-only's latency over PIM-only PAPI's decode time (the Fig. 11 runs): the speedup if every iteration ran FC on FC-PIM and PAPI's prefill cost nothing, the most FC-PIM alone can give.",
    "",
    mdTable(["profile", "PAPI speedup vs AttAcc-only", "FC-only bound", "FC-only per point", "premise holds", "bound >= ratio", "Fig. 11 ratio", "FC-PIM alone"], rows),
    "",
    "What the paper states that no sourced assumption reaches, and why:",
    "",
    ...reachParagraphs(profiles, structural).map((p) => `- ${p}`),
  ].join("\n");
}
