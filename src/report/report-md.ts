import { PROTOCOLS, type Protocol } from "./experiments.ts";
import type { Comparison, FigureOutput } from "./figures/types.ts";
import { fmt, mdTable } from "./figures/types.ts";
import { slug } from "./html.ts";
import { boundsSection, profilesSection } from "./report-profiles.ts";
import { comparisonTable, drivers, semanticsSection, setupSection } from "./report-sections.ts";
import type { Headlines, HeadlinesWithPoints } from "./semantics.ts";
import { structuralSection } from "./report-structural.ts";
import { formatFactor, MISS_THRESHOLD, type SensitivityStudy } from "./sensitivity.ts";
import type { ReportSetup, SystemDevices } from "./setup.ts";

interface ReportInput {
  outputs: FigureOutput[];
  comparisons: Comparison[];
  /** the main compute semantics' headlines first, then the other's (if computed) */
  headlines: Headlines[];
  /** the main profile's headlines first (the same as headlines[0]), then the other's (if computed) */
  profiles: HeadlinesWithPoints[];
  sensitivity?: SensitivityStudy;
  setup: ReportSetup;
  changes: { path: string; value: unknown }[];
  devices: Record<string, SystemDevices>;
  protocol: Protocol;
  trace: string;
  seed: number;
  runs: number;
}

const SETUP_TITLE = "Design under study";
const SEMANTICS_TITLE = "PIM compute semantics side by side";
const PROFILES_TITLE = "Assumption profiles side by side";
const BOUNDS_TITLE = "Bounds: what no assumption can reach";
const SENSITIVITY_TITLE = "Sensitivity: what the paper must have assumed";
const CLAIMS_TITLE = "The paper's qualitative claims";

export function buildReportMarkdown(r: ReportInput): string {
  const out: string[] = [];
  const [main, ...alt] = r.headlines;
  const altProfiles = r.profiles.slice(1);
  const missed = r.sensitivity?.missed ?? [];
  const withBounds = r.profiles.some((h) => h.bounds);
  const claims = main.claims;
  out.push("# papi: reproduction of PAPI (ASPLOS 2025)", "");
  // No wall-clock time here: the report is byte-identical from run to run (the CLI prints the time).
  out.push(`Trace \`${r.trace}\`, main protocol \`${r.protocol}\`, main PIM compute semantics \`${main.computeSemantics}\`, main assumption profile \`${main.profile}\`, seed ${r.seed}; ${r.runs} simulated runs.`, "");
  out.push("Every number below comes from the simulator with documented, cited parameters; nothing is tuned to the paper. Where we differ from what the paper states, the gap is reported, not fixed.", "");
  const sections = [
    SETUP_TITLE,
    ...(r.comparisons.length > 0 ? ["Paper vs papi"] : []),
    ...(withBounds ? [BOUNDS_TITLE] : []),
    ...(alt.length > 0 ? [SEMANTICS_TITLE] : []),
    ...(altProfiles.length > 0 ? [PROFILES_TITLE] : []),
    ...(claims.length > 0 ? [CLAIMS_TITLE] : []),
    ...r.outputs.map((f) => f.title),
    ...(r.sensitivity ? [SENSITIVITY_TITLE] : []),
  ];
  out.push("Contents:", "", ...sections.map((t) => `- [${t}](#${slug(t)})`), "");
  out.push(`## ${SETUP_TITLE}`, "", setupSection(r.changes, r.devices), "");
  if (r.comparisons.length > 0) {
    out.push("## Paper vs papi", "");
    out.push(comparisonTable(r.comparisons, r.protocol, PROTOCOLS, r.headlines.map((h) => h.computeSemantics), r.profiles.map((h) => h.profile)));
    out.push("", "What drives the differences:", "", ...drivers(r.setup, r.devices, r.headlines).map((d) => `- ${d}`), "");
    const more = [
      ...(withBounds ? [`what no assumption can reach in [${BOUNDS_TITLE}](#${slug(BOUNDS_TITLE)})`] : []),
      ...(alt.length > 0 ? [`each semantics' mechanisms in [${SEMANTICS_TITLE}](#${slug(SEMANTICS_TITLE)})`] : []),
      ...(altProfiles.length > 0 ? [`every headline under each profile in [${PROFILES_TITLE}](#${slug(PROFILES_TITLE)})`] : []),
      ...(r.sensitivity ? [`which single parameter or structural choice could close each gap in [${SENSITIVITY_TITLE}](#${slug(SENSITIVITY_TITLE)})`] : []),
    ];
    if (more.length > 0) out.push(`See ${more.join("; ")}. The Fig. 8 section also runs a joint probe with AttAcc's simulator semantics (equal-length batch, one token per PIM MAC command, no GPU static power).`, "");
  }
  if (withBounds) out.push(`## ${BOUNDS_TITLE}`, "", boundsSection(r.profiles, r.sensitivity?.structural), "");
  if (alt.length > 0) out.push(`## ${SEMANTICS_TITLE}`, "", semanticsSection(r.headlines, r.setup), "");
  if (altProfiles.length > 0) out.push(`## ${PROFILES_TITLE}`, "", profilesSection(r.profiles, r.setup), "");
  if (claims.length > 0) {
    out.push(`## ${CLAIMS_TITLE}`, "");
    // the main semantics and profile, the other semantics, the other profiles
    const columns = [...r.headlines.map((h) => ({ h, label: h.computeSemantics })), ...altProfiles.map((h) => ({ h, label: `profile ${h.profile}` }))];
    columns[0].label = `${main.computeSemantics}, profile ${main.profile}`;
    out.push(mdTable(["the paper says", ...columns.map((c) => c.label), ...columns.map((c) => `evidence (${c.label})`)],
      claims.map((c, i) => [c.claim, ...columns.map(({ h }) => (h.claims[i]?.holds ? "holds" : "**does not hold**")), ...columns.map(({ h }) => h.claims[i]?.evidence ?? "")])), "");
  }
  for (const f of r.outputs) {
    out.push(`## ${f.title}`, "");
    for (const c of f.charts) out.push(`![${c.caption}](${c.name}.svg)`, "", `*${c.caption}* ([PNG](${c.name}.png))`, "");
    out.push(f.markdown, "");
    out.push(`Data: ${f.tables.map((t) => `[${t.name}.csv](${t.name}.csv)`).join(", ")}`, "");
  }
  if (r.sensitivity) {
    out.push(`## ${SENSITIVITY_TITLE}`, "");
    out.push(structuralSection(r.sensitivity.structural, main.profile), "");
  }
  if (missed.length > 0) {
    out.push(`For each stated number we miss by more than ${MISS_THRESHOLD * 100} %, one documented parameter at a time is set to the values listed (x1 = as documented, in bold) and the Fig. 8 average recomputed under the main protocol, semantics and profile. "Closes at" is the factor (log-interpolated) at which our average equals the paper's; "—" means no value tried gets there. Below each, the structural choices: the values that come within ${MISS_THRESHOLD * 100} % of the paper's, if any.`, "");
    for (const s of missed) {
      const protocols = Object.entries(s.byProtocol ?? {}).map(([p, v]) => `${p} ${fmt(v)}x`).join(", ");
      out.push(`### ${s.what}: paper ${fmt(s.paper)}x, papi ${fmt(s.ours)}x`, "");
      if (protocols) out.push(`Batching protocol (the paper does not say which it used): ${protocols}.`, "");
      out.push(mdTable(["parameter", "values tried: PAPI's ratio", "closes at"],
        s.parameters.map((p) => [
          `${p.parameter}: ${p.description}`,
          p.values.map((v) => (v.factor === 1 ? `**${v.label}: ${fmt(v.value)}**` : `${v.label}: ${fmt(v.value)}`)).join(" · "),
          p.closingFactor === null ? "—" : `x${formatFactor(p.closingFactor)}`,
        ])));
      out.push("", mdTable(["structural choice", "values tried: PAPI's ratio", `within ${MISS_THRESHOLD * 100} %`],
        s.structural.map((c) => [
          c.choice,
          c.values.map((v) => (v.setups ? `**${v.label}: ${fmt(v.value)}**` : `${v.label}: ${fmt(v.value)}`)).join(" · "),
          c.reaches.length === 0 ? "—" : c.reaches.join(", "),
        ])));
      out.push("");
    }
  }
  return out.join("\n");
}
