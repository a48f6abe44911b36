import { z } from "zod";
import { pimStackPowerWatts } from "../../hardware/pim/power.ts";
import type { PimDesign } from "../../hardware/pim/schema.ts";
import { tlpRange, type PointState } from "../point-state.ts";
import type { Constraint } from "./types.ts";

/**
 * The per-stack power budget (PAPI §4.2, Fig. 7): the FPUs a design adds must stay within the budget at the weight
 * reuse the stacks actually see. Power comes from pimStackPowerWatts (src/hardware/pim/power.ts), in one of two modes:
 * - `fpu-peak` (default; the paper's framing, which reproduces "4P1B fits once reuse >= 4"): every FPU busy every
 *   clock at the energy per MAC of that reuse;
 * - `model`: the command-level model's own power (FPUs fed at the capped column rate), the largest over reuse 1..r.
 * Reuse (see docs/assumptions.md, "Design-space sweeps"):
 * - FC-PIM: the largest RLP x TLP the scheduler still maps to FC-PIM in this point: min(floor(alpha), batch x max
 *   TLP); with no GPU every FC runs on FC-PIM, so batch x max TLP. `fcReuse` overrides it with a number.
 * - attention stacks: no reuse across requests; each K/V value serves the TLP query tokens of every query head of
 *   its group, so min TLP x (query heads / KV heads), the smallest reuse the point runs at.
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
  reuse: number;
  watts: number;
  budgetWatts: number;
}

/** Power per (design, mode, reuse): designs are shared through the cached system contexts, so points reuse it. */
const wattsMemo = new WeakMap<PimDesign, Map<string, number>>();

function wattsAt(d: PimDesign, reuse: number, mode: Options["mode"], budgetWatts: number | undefined): number {
  let m = wattsMemo.get(d);
  if (!m) wattsMemo.set(d, (m = new Map()));
  const key = `${mode}|${reuse}`;
  let w = m.get(key);
  if (w === undefined) m.set(key, (w = computeWattsAt(d, reuse, mode, budgetWatts)));
  return w;
}

function computeWattsAt(d: PimDesign, reuse: number, mode: Options["mode"], budgetWatts: number | undefined): number {
  if (mode === "fpu-peak") return pimStackPowerWatts(d, reuse, { budgetWatts }).fpuPeakWatts;
  let worst = 0;
  for (let r = 1; r <= reuse; r *= 2) worst = Math.max(worst, pimStackPowerWatts(d, r, { budgetWatts }).watts);
  return Math.max(worst, pimStackPowerWatts(d, reuse, { budgetWatts }).watts);
}

/** The power of each PIM unit of a point at the reuse it sees (empty when the system has no PIM). */
export function powerChecks(point: PointState, o: Partial<Options> = {}): PowerCheck[] {
  const mode = o.mode ?? "fpu-peak";
  const ctx = point.context();
  const cfg = point.config;
  const tlp = tlpRange(cfg.spec);
  const out: PowerCheck[] = [];
  if (ctx.fcPim && ctx.spec.fcUnits.includes("pim")) {
    const maxTokens = cfg.batch * tlp.max;
    const alpha = point.alpha();
    const top = ctx.spec.fcUnits.includes("gpu") && Number.isFinite(alpha) ? Math.min(Math.floor(alpha), maxTokens) : maxTokens;
    const reuse = o.fcReuse ?? Math.max(1, top);
    const budget = o.budgetWatts ?? ctx.fcPim.powerBudgetWattsPerStack;
    out.push({ unit: "FC-PIM", design: ctx.fcPim.name, reuse, watts: wattsAt(ctx.fcPim, reuse, mode, budget), budgetWatts: budget });
  }
  if (ctx.attnPim) {
    const group = Math.max(1, Math.round(ctx.shape.numHeads / ctx.shape.numKvHeads));
    const reuse = Math.max(1, tlp.min * group);
    const budget = o.budgetWatts ?? ctx.attnPim.powerBudgetWattsPerStack;
    out.push({ unit: "attention PIM", design: ctx.attnPim.name, reuse, watts: wattsAt(ctx.attnPim, reuse, mode, budget), budgetWatts: budget });
  }
  return out;
}

export const powerConstraint: Constraint<Options> = {
  name: "power",
  description: "per-stack PIM power within the budget at the reuse the stacks see (FC-PIM: up to alpha; attention: TLP x GQA group)",
  options: Options,
  check(point, o) {
    if ("error" in point.specOrError()) return null;
    let checks: PowerCheck[];
    try {
      checks = powerChecks(point, o);
    } catch {
      return null; // the context does not build (weights do not fit): capacity's or the run's to report
    }
    const over = checks.filter((c) => c.watts > c.budgetWatts);
    if (over.length === 0) return null;
    return over.map((c) => `${c.unit} (${c.design}) draws ${c.watts.toFixed(1)} W per stack at reuse ${c.reuse} (${o.mode}) > budget ${c.budgetWatts} W`).join("; ");
  },
};
