import { PROTOCOLS, type Protocol } from "./experiments.ts";
import type { ClaimCheck } from "./claims.ts";
import type { Comparison, FigureOutput } from "./figures/types.ts";
import { fmt, mdTable } from "./figures/types.ts";
import { slug } from "./html.ts";
import { FACTORS, MISS_THRESHOLD, type SensitivityResult } from "./sensitivity.ts";

interface ReportInput {
  outputs: FigureOutput[];
  comparisons: Comparison[];
  claims: ClaimCheck[];
  sensitivity: SensitivityResult[];
  protocol: Protocol;
  trace: string;
  seed: number;
  runs: number;
  wallSec: number;
}

/** Why our numbers can differ from the paper's: the documented choices that drive each gap (docs/assumptions.md). */
const DRIVERS = [
  "**GPU model**: A100 (HBM3) with AttAcc's utilization caps (0.8 compute, 0.85 bandwidth), CUTLASS-style tiles and waves, CUDA-graph launch cost; the H200 version of the same model is validated against real measurements (docs/gpu-validation.md).",
  "**GPU static power**: 60 W per A100 over the whole run (AttAcc models none). In PAPI's runs it is about 60 % of all energy, so it narrows every energy ratio; see its row in the sensitivity study.",
  "**Tensor parallelism**: two collectives per layer among the 6 GPUs with AttAcc's measured 6 µs step latency, whichever unit runs FC. At small batch they cost PAPI and the GPU baselines more than the FC kernels themselves, while AttAcc-only pays none.",
  "**PIM model**: derived from HBM3 timing (MAC command spacing stretched to 6 cycles under the power limit, refresh, row activations), not fitted, and checked against Ramulator 2.0 runs of AttAcc's HBM3-PIM (`papi validate pim`). Each MAC command gives each FPU one (column, token) pair (AttAcc's semantics), so 1P1B pays one command per token per column and 4P1B one per 4 tokens; FC weights are laid out per call by the fastest of n-split and k-split (docs/pim-model.md).",
  "**PIM energy**: every pseudo-channel's copy of an FC input (and k-split's partial sums) is charged transfer energy over the TSVs and bank-group buses; at high reuse it is a large share of FC-PIM energy.",
  "**Links**: the paper gives no bandwidths; attention stacks hang off 6 PCIe 5.0 x16 links (64 GB/s per direction, AttAcc's value), GPUs talk over NVLink 3.",
  "**Prefill**: counted in end-to-end latency, on the GPUs (on PIM for PIM-only systems, where it is slow); its first token comes from prefill.",
  "**Batching protocol**: the paper does not say how a grid point runs its dataset; all three readings are shown (whole dataset in batches, one sampled batch, AttAcc's equal-length batch).",
  "**Speculation**: ideal acceptance (every drafted token accepted), no draft-model cost, as the paper appears to assume.",
  "**alpha**: calibrated per system and model by the offline sweep (the paper gives no value).",
];

const SENSITIVITY_TITLE = "Sensitivity: what the paper must have assumed";

const CLAIMS_TITLE = "The paper's qualitative claims";

export function buildReportMarkdown(r: ReportInput): string {
  const out: string[] = [];
  out.push("# papi: reproduction of PAPI (ASPLOS 2025)", "");
  // No wall-clock time here: the report is byte-identical from run to run (the CLI prints the time).
  out.push(`Trace \`${r.trace}\`, main protocol \`${r.protocol}\`, seed ${r.seed}; ${r.runs} simulated runs.`, "");
  out.push("Every number below comes from the simulator with documented, cited parameters; nothing is tuned to the paper. Where we differ from what the paper states, the gap is reported, not fixed.", "");
  const sections = [
    ...(r.comparisons.length > 0 ? ["Paper vs papi"] : []),
    ...(r.claims.length > 0 ? [CLAIMS_TITLE] : []),
    ...r.outputs.map((f) => f.title),
    ...(r.sensitivity.length > 0 ? [SENSITIVITY_TITLE] : []),
  ];
  if (sections.length > 1) out.push("Contents:", "", ...sections.map((t) => `- [${t}](#${slug(t)})`), "");
  if (r.comparisons.length > 0) {
    out.push("## Paper vs papi", "");
    const others = PROTOCOLS.filter((p) => p !== r.protocol);
    out.push(mdTable(["what", "paper", `papi (${r.protocol})`, "papi / paper", ...others.map((p) => `papi (${p})`), "where"],
      r.comparisons.map((c) => [c.what, `${fmt(c.paper)}x`, `${fmt(c.ours)}x`, fmt(c.ours / c.paper), ...others.map((p) => (c.oursByProtocol?.[p] === undefined ? "" : `${fmt(c.oursByProtocol[p]!)}x`)), c.where])));
    out.push("", "What drives the differences:", "", ...DRIVERS.map((d) => `- ${d}`), "");
    if (r.sensitivity.length > 0) out.push(`Which single parameter could close each gap: see [${SENSITIVITY_TITLE}](#${slug(SENSITIVITY_TITLE)}). The Fig. 8 section also runs a joint probe with AttAcc's simulator semantics (equal-length batch, one token per PIM MAC command, no GPU static power).`, "");
  }
  if (r.claims.length > 0) {
    out.push(`## ${CLAIMS_TITLE}`, "");
    out.push(mdTable(["the paper says", "in papi", "evidence"], r.claims.map((c) => [c.claim, c.holds ? "holds" : "**does not hold**", c.evidence])), "");
  }
  for (const f of r.outputs) {
    out.push(`## ${f.title}`, "");
    for (const c of f.charts) out.push(`![${c.caption}](${c.name}.svg)`, "", `*${c.caption}* ([PNG](${c.name}.png))`, "");
    out.push(f.markdown, "");
    out.push(`Data: ${f.tables.map((t) => `[${t.name}.csv](${t.name}.csv)`).join(", ")}`, "");
  }
  if (r.sensitivity.length > 0) {
    out.push(`## ${SENSITIVITY_TITLE}`, "");
    out.push(`For each stated number we miss by more than ${MISS_THRESHOLD * 100} %, one documented parameter at a time is scaled by ${FACTORS.join(", ")} and the Fig. 8 average recomputed. "Closes at" is the factor (log-interpolated) at which our average equals the paper's; "—" means no factor in that range gets there.`, "");
    for (const s of r.sensitivity) {
      const protocols = Object.entries(s.byProtocol ?? {}).map(([p, v]) => `${p} ${fmt(v)}x`).join(", ");
      out.push(`### ${s.what}: paper ${fmt(s.paper)}x, papi ${fmt(s.ours)}x`, "");
      if (protocols) out.push(`Batching protocol (the paper does not say which it used): ${protocols}.`, "");
      out.push(mdTable(["parameter", ...FACTORS.map((f) => `x${f}`), "closes at"],
        s.parameters.map((p) => [`${p.parameter}: ${p.description}`, ...p.values.map((v) => fmt(v.value)), p.closingFactor === null ? "—" : `x${fmt(p.closingFactor)}`])));
      out.push("");
    }
  }
  return out.join("\n");
}
