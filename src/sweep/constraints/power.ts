import { z } from "zod";
import { UserError } from "../../core/errors.ts";
import { pimStackPowerWatts } from "../../hardware/pim/power.ts";
import type { PimDesign } from "../../hardware/pim/schema.ts";
import { roleDevices } from "../../systems/devices.ts";
import type { PointState } from "../point-state.ts";
import { attentionReuses, decodeShapes, fcPimReuses } from "../reuse.ts";
import type { Constraint } from "./types.ts";

/**
 * The per-stack power budget (PAPI §4.2, Fig. 7): the FPUs a design adds must stay within the budget at the weight
 * reuse the stacks actually see. Power comes from pimStackPowerWatts (src/hardware/pim/power.ts), in one of two modes:
 * - `fpu-peak` (default; the paper's framing, which reproduces "4P1B fits once reuse >= 4"): every FPU busy every
 *   clock at the energy per MAC of that reuse, at the largest reuse FC-PIM runs at and the smallest attention runs at;
 * - `model`: the command-level model's own power (FPUs fed at the capped column rate), the largest over every reuse
 *   the unit runs at (the model's power is not monotone in reuse: a 3-FPU bank draws more at reuse 3 than at 2 or 4).
 * Reuses (src/sweep/reuse.ts; see docs/assumptions.md, "Design-space sweeps"):
 * - FC-PIM: RLP x TLP of the iterations the point's scheduler maps to FC-PIM (PAPI: RLP x TLP <= alpha), RLP up to
 *   min(batch, requests); `fcReuse` overrides them with 1..fcReuse. A scheduler that never maps FC to FC-PIM
 *   (static-gpu, alpha < 1) has no FC-PIM check.
 * - attention stacks: no reuse across requests; each K/V value serves the TLP query tokens of every query head of
 *   its group, so TLP x (query heads / KV heads) for every TLP the point runs at.
 */
const Options = z
  .object({
    mode: z.enum(["fpu-peak", "model"]).default("fpu-peak"),
    budgetWatts: z.number().gt(0, "budgetWatts must be > 0").optional().describe("per-stack budget; default: each design's powerBudgetWattsPerStack"),
    fcReuse: z.number().int("fcReuse must be an integer").min(1, "fcReuse must be >= 1").optional(),
  })
  .strict();
type Options = z.output<typeof Options>;

export interface PowerCheck {
  unit: "FC-PIM" | "attention PIM";
  design: string;
  /** the reuse the reported power is at (fpu-peak: the extreme reuse; model: the reuse with the most power) */
  reuse: number;
  /** how many reuses the unit runs at, the smallest and the largest */
  numReuses: number;
  minReuse: number;
  maxReuse: number;
  watts: number;
  budgetWatts: number;
}

/** Power per (design, mode, reuse): designs are shared through the cached system contexts, so points reuse it. */
const wattsMemo = new WeakMap<PimDesign, Map<string, number>>();

export function wattsAt(d: PimDesign, reuse: number, mode: Options["mode"]): number {
  let m = wattsMemo.get(d);
  if (!m) wattsMemo.set(d, (m = new Map()));
  const key = `${mode}|${reuse}`;
  let w = m.get(key);
  if (w === undefined) {
    const p = pimStackPowerWatts(d, reuse);
    m.set(key, (w = mode === "fpu-peak" ? p.fpuPeakWatts : p.watts));
  }
  return w;
}

/**
 * The power a unit is checked at, over the reuses it runs at (ascending, non-empty): fpu-peak at `fpuPeakReuse`
 * (the largest for FC-PIM, the smallest for attention); model: the most over all of them (the first reuse on a tie).
 */
export function checkedPower(d: PimDesign, reuses: readonly number[], mode: Options["mode"], fpuPeakReuse: "largest" | "smallest"): { reuse: number; watts: number } {
  if (mode === "fpu-peak") {
    const reuse = fpuPeakReuse === "largest" ? reuses[reuses.length - 1] : reuses[0];
    return { reuse, watts: wattsAt(d, reuse, mode) };
  }
  let best = { reuse: reuses[0], watts: wattsAt(d, reuses[0], mode) };
  for (const r of reuses) {
    const w = wattsAt(d, r, mode);
    // Stryker disable next-line EqualityOperator: >= differs only on two reuses with bit-equal power, reporting the later one
    if (w > best.watts) best = { reuse: r, watts: w };
  }
  return best;
}

const spanOf = (reuses: readonly number[]) => ({ numReuses: reuses.length, minReuse: reuses[0], maxReuse: reuses[reuses.length - 1] });

/** The power of each PIM unit of a point at the reuses it sees (empty when the system has no PIM). */
export function powerChecks(point: PointState, o: Partial<Options> = {}): PowerCheck[] {
  const mode = o.mode ?? "fpu-peak";
  const ctx = point.context();
  const { fcPim, attnPim } = roleDevices(ctx.spec);
  const shapes = decodeShapes(point.config.spec, point.maxRlp());
  const out: PowerCheck[] = [];
  if (fcPim) {
    const reuses = o.fcReuse !== undefined ? Array.from({ length: o.fcReuse }, (_, i) => i + 1) : fcPimReuses(shapes, point.policy(), ctx.weights.name);
    if (reuses.length > 0) {
      const budget = o.budgetWatts ?? fcPim.powerBudgetWattsPerStack;
      const at = checkedPower(fcPim, reuses, mode, "largest");
      out.push({ unit: "FC-PIM", design: fcPim.name, ...at, ...spanOf(reuses), budgetWatts: budget });
    }
  }
  if (attnPim) {
    const group = Math.max(1, Math.round(ctx.shape.numHeads / ctx.shape.numKvHeads));
    const reuses = attentionReuses(shapes, group);
    const budget = o.budgetWatts ?? attnPim.powerBudgetWattsPerStack;
    const at = checkedPower(attnPim, reuses, mode, "smallest");
    out.push({ unit: "attention PIM", design: attnPim.name, ...at, ...spanOf(reuses), budgetWatts: budget });
  }
  return out;
}

const describeCheck = (c: PowerCheck, mode: Options["mode"]): string =>
  `${c.unit} (${c.design}) draws ${c.watts.toFixed(1)} W per stack at reuse ${c.reuse} (${mode}` +
  (mode === "model" && c.numReuses > 1 ? `, the most over the ${c.numReuses} reuses ${c.minReuse}..${c.maxReuse} it runs at` : "") +
  `) > budget ${c.budgetWatts} W`;

export const powerConstraint: Constraint<Options> = {
  name: "power",
  description: "per-stack PIM power within the budget at the reuses the stacks see (FC-PIM: RLP x TLP up to alpha; attention: TLP x GQA group)",
  options: Options,
  check(point, o) {
    if ("error" in point.specOrError()) return null;
    let checks: PowerCheck[];
    try {
      checks = powerChecks(point, o);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return null; // the context does not build (weights do not fit): capacity's or the run's to report
    }
    const over = checks.filter((c) => c.watts > c.budgetWatts);
    if (over.length === 0) return null;
    return over.map((c) => describeCheck(c, o.mode)).join("; ");
  },
};
