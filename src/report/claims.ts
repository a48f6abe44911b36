import { arithmeticMean, FIG8_BASELINES, FIG8_MODELS, FIG8_SPECS, fig8Grid, type Experiments, type Protocol } from "./experiments.ts";
import { FIG10_BATCHES, FIG10_SPECS } from "./figures/fig10.ts";
import { systemLabel } from "./figures/fig8.ts";
import { fmt, type FigureId } from "./figures/types.ts";
import { PAPER_CLAIMS } from "./paper.ts";

/** One qualitative statement of the paper, checked against our runs (all already cached by the figures). */
export interface ClaimCheck {
  claim: string;
  holds: boolean;
  evidence: string;
}

const FIG8_SYSTEMS_ALL = [...FIG8_BASELINES, "papi"] as const;

/** Checks the paper's qualitative claims for the figures that were reproduced. */
export function checkClaims(exp: Experiments, protocol: Protocol, figures: readonly FigureId[]): ClaimCheck[] {
  const out: ClaimCheck[] = [];
  const lat = (system: string, model: string, batch: number, spec: number) => exp.run({ system, model, batch, spec }, protocol).latencySec;
  if (figures.includes("fig8")) {
    const vsRef = (batch: number) =>
      arithmeticMean(FIG8_MODELS.flatMap((m) => FIG8_SPECS.map((s) => lat("a100-attacc", m, batch, s) / lat("attacc-only", m, batch, s))));
    const b4 = vsRef(4);
    const b64 = vsRef(64);
    out.push({
      claim: PAPER_CLAIMS.batch4,
      holds: b4 > 1 && b64 < 0.5,
      evidence: `AttAcc-only speedup over A100+AttAcc: ${fmt(b4)}x at batch 4, ${fmt(b64)}x at batch 64 ("far behind" read as < 0.5x)`,
    });
    const ratios = [...fig8Grid()].map(({ model, batch, spec }) => lat("a100-hbmpim", model, batch, spec) / lat("a100-attacc", model, batch, spec));
    const worst = Math.max(...ratios.map((r) => Math.abs(r - 1)));
    out.push({
      claim: PAPER_CLAIMS.attaccVsHbmpim,
      holds: worst < 0.05,
      evidence: `A100+HBM-PIM latency / A100+AttAcc latency within ${fmt(worst * 100, 1)} % at every Fig. 8 point`,
    });
  }
  if (figures.includes("fig10")) {
    const losses: string[] = [];
    for (const batch of FIG10_BATCHES) {
      const p = lat("papi", "llama-65b", batch, 1);
      for (const s of FIG8_SYSTEMS_ALL.filter((x) => x !== "papi")) {
        const o = lat(s, "llama-65b", batch, 1);
        if (o < p) losses.push(`batch ${batch}: ${systemLabel(s)} ${fmt(p / o)}x faster`);
      }
    }
    out.push({ claim: PAPER_CLAIMS.papiBest, holds: losses.length === 0, evidence: losses.length === 0 ? "PAPI has the lowest latency at batch 4..128 (LLaMA-65B, speculation 1)" : losses.join("; ") });
    const share = FIG10_SPECS.map((spec) => {
      const r = exp.run({ system: "papi", model: "llama-65b", batch: 4, spec }, protocol);
      return r.iterations ? r.fcOnGpuIterations / r.iterations : 0;
    });
    const speedup = FIG10_SPECS.map((spec) => lat("a100-attacc", "llama-65b", 4, spec) / lat("papi", "llama-65b", 4, spec));
    const rising = share[share.length - 1] > share[0];
    const last = speedup[speedup.length - 1];
    out.push({
      claim: PAPER_CLAIMS.specConverges,
      holds: rising && Math.abs(last - 1) < Math.abs(speedup[0] - 1),
      evidence: `FC-on-GPU share of PAPI's iterations at speculation 1..8: ${share.map((x) => `${fmt(x * 100, 0)} %`).join(", ")}; speedup over A100+AttAcc ${fmt(speedup[0])}x at 1, ${fmt(last)}x at 8`,
    });
  }
  if (figures.includes("fig11")) {
    const sp = (batch: number, spec: number) =>
      arithmeticMean(FIG8_MODELS.map((m) => exp.run({ system: "attacc-only", model: m, batch, spec }, protocol).decodeSec / exp.run({ system: "pim-only-papi", model: m, batch, spec }, protocol).decodeSec));
    const all = arithmeticMean([...fig8Grid()].map(({ batch, spec }) => sp(batch, spec))) ;
    out.push({
      claim: PAPER_CLAIMS.pimOnly,
      holds: all > 1 && sp(64, 4) > sp(4, 1),
      evidence: `PIM-only PAPI decode speedup over AttAcc-only: ${fmt(all)}x on average, ${fmt(sp(4, 1))}x at B4 S1, ${fmt(sp(64, 4))}x at B64 S4`,
    });
  }
  if (figures.includes("fig12")) {
    const a = exp.run({ system: "attacc-only", model: "llama-65b", batch: 4, spec: 4 }, protocol);
    const p = exp.run({ system: "pim-only-papi", model: "llama-65b", batch: 4, spec: 4 }, protocol);
    const parts = p.breakdownSec;
    const total = parts.fc + parts.attention + parts.communication + parts.other;
    const fcDominates = parts.fc >= Math.max(parts.attention, parts.communication, parts.other);
    out.push({
      claim: PAPER_CLAIMS.fig12,
      holds: fcDominates && a.breakdownSec.fc > parts.fc && parts.attention > a.breakdownSec.attention && parts.communication / total >= 0.05,
      evidence: `PIM-only PAPI decode time: FC ${fmt((parts.fc / total) * 100, 0)} %, attention ${fmt((parts.attention / total) * 100, 0)} %, communication ${fmt((parts.communication / total) * 100, 0)} %; FC ${fmt(a.breakdownSec.fc / parts.fc)}x faster and attention ${fmt(parts.attention / a.breakdownSec.attention)}x slower than AttAcc-only`,
    });
  }
  return out;
}
