import { roleDevices } from "../../src/systems/devices.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { pimStackPowerWatts } from "../../src/hardware/pim/power.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { parseRunConfig } from "../../src/serving/run.ts";
import { powerChecks, powerConstraint } from "../../src/sweep/constraints/power.ts";
import { PointState } from "../../src/sweep/point-state.ts";

const loader = nodeLoader();
const point = (raw: Record<string, unknown>) => new PointState(0, parseRunConfig({ system: "papi", model: "llama-65b", trace: "dolly-creative", ...raw }), loader, new Map());
const check = (raw: Record<string, unknown>, options: Record<string, unknown>) => powerConstraint.check(point(raw), powerConstraint.options.parse(options));
const fc = (raw: Record<string, unknown>, options: Record<string, unknown> = {}) => powerChecks(point(raw), powerConstraint.options.parse(options)).find((c) => c.unit === "FC-PIM");
const attn = (raw: Record<string, unknown>, options: Record<string, unknown> = {}) => powerChecks(point(raw), powerConstraint.options.parse(options)).find((c) => c.unit === "attention PIM")!;

test("model mode: the most power over every reuse the run reaches, not only powers of two (3P1B at reuse 3)", () => {
  // batch 4, spec 1, alpha 100: FC-PIM runs every iteration, at RLP x TLP = 1, 2, 3, 4
  const raw = { requests: 4, batch: 4, spec: 1, alpha: 100, hardware: { fcPim: { numFpus: 3 } } };
  const d = roleDevices(point(raw).context().spec).fcPim!;
  const w = (r: number) => pimStackPowerWatts(d, r).watts;
  // the model's power is not monotone in reuse here: reuse 3 (one MAC command per column for 3 FPUs) draws the most
  assert.ok(w(3) > w(2) && w(3) > w(4) && w(3) > w(1), `${w(1)} ${w(2)} ${w(3)} ${w(4)}`);
  const c = fc(raw, { mode: "model", budgetWatts: 20 })!;
  assert.deepEqual([c.reuse, c.watts, c.numReuses, c.minReuse, c.maxReuse], [3, w(3), 4, 1, 4]);
  // a budget between the power at reuse 2 and at reuse 3: fails at 3 (powers of two alone would pass it)
  const budget = (w(2) + w(3)) / 2;
  assert.match(check(raw, { mode: "model", budgetWatts: budget }) ?? "", /^FC-PIM \(fc-pim\) draws \d+\.\d W per stack at reuse 3 \(model, the most over the 4 reuses 1\.\.4 it runs at\) > budget/);
  assert.equal(check(raw, { mode: "model", budgetWatts: w(3) }), null, "at exactly the budget the design passes");
});

test("FC-PIM reuse: the largest RLP x TLP the scheduler maps to FC-PIM (<= alpha), not batch x TLP", () => {
  // spec 4, batch 16: RLP x TLP in {4, 8, ..., 64}; alpha 10 keeps 4 and 8 on FC-PIM
  assert.deepEqual(fc({ requests: 16, batch: 16, spec: 4, alpha: 10 }, { mode: "fpu-peak" })!.reuse, 8);
  // spec 1, batch 64: 1..64; alpha 35.9 keeps 1..35 (RLP x TLP is whole: floor, not round)
  const c = fc({ requests: 64, batch: 64, spec: 1, alpha: 35.9 })!;
  assert.deepEqual([c.reuse, c.minReuse, c.maxReuse, c.numReuses], [35, 1, 35, 35]);
  // alpha above every RLP x TLP: batch x TLP
  assert.equal(fc({ requests: 16, batch: 16, spec: 4, alpha: 1000 })!.reuse, 64);
  // fewer requests than the batch: RLP never exceeds the requests
  assert.equal(fc({ requests: 3, batch: 16, spec: 4, alpha: 1000 })!.reuse, 12);
  // static-pim maps every iteration to FC-PIM; static-gpu none, so FC-PIM has no power to check
  assert.equal(fc({ requests: 16, batch: 16, spec: 4, scheduler: "static-pim" })!.reuse, 64);
  assert.equal(fc({ requests: 16, batch: 16, spec: 4, scheduler: "static-gpu" }), undefined);
  assert.equal(fc({ requests: 16, batch: 16, spec: 4, alpha: 0.5 }), undefined);
  // fcReuse overrides: fpu-peak at it, model over 1..fcReuse
  assert.equal(fc({ requests: 16, batch: 16, spec: 4, alpha: 10 }, { fcReuse: 7 })!.reuse, 7);
  assert.deepEqual(fc({ requests: 16, batch: 16, spec: 4, alpha: 10 }, { fcReuse: 7, mode: "model" })!.numReuses, 7);
});

test("fpu-peak power: FC-PIM at its largest reuse, the power pimStackPowerWatts gives there", () => {
  const raw = { requests: 16, batch: 16, spec: 4, alpha: 10 };
  const c = fc(raw)!;
  assert.equal(c.watts, pimStackPowerWatts(roleDevices(point(raw).context().spec).fcPim!, 8).fpuPeakWatts);
  assert.equal(c.budgetWatts, roleDevices(point(raw).context().spec).fcPim!.powerBudgetWattsPerStack);
  assert.equal(fc(raw, { budgetWatts: 5 })!.budgetWatts, 5);
  assert.match(check(raw, { budgetWatts: 5 }) ?? "", /^FC-PIM \(fc-pim\) draws \d+\.\d W per stack at reuse 8 \(fpu-peak\) > budget 5 W; attention PIM/);
});

test("attention reuse: TLP x (query heads per KV head) at the smallest TLP the run uses", () => {
  // LLaMA-65B (MHA: group 1), TLP cycling through 2 and 4: the smallest reuse is 2
  assert.deepEqual([attn({ requests: 4, batch: 4, spec: [4, 2] }).reuse, attn({ requests: 4, batch: 4, spec: [4, 2] }).maxReuse], [2, 4]);
  // LLaMA-3 70B: 64 query heads over 8 KV heads, TLP 2: reuse 16
  assert.equal(attn({ model: "llama-3-70b", requests: 4, batch: 4, spec: 2 }).reuse, 16);
  // adaptive TLP, 16 tokens over at most 4 requests: TLP = min(8, floor(16 / RLP)) is 8, 8, 5, 4 for RLP 1..4
  const a = attn({ requests: 4, batch: 4, spec: { targetTokens: 16, maxTlp: 8 } });
  assert.deepEqual([a.reuse, a.numReuses, a.maxReuse], [4, 3, 8]);
  // model mode: the most power over the reuses, whichever that is
  const m = attn({ requests: 4, batch: 4, spec: [4, 2] }, { mode: "model" });
  const d = roleDevices(point({}).context().spec).attnPim!;
  const best = Math.max(pimStackPowerWatts(d, 2).watts, pimStackPowerWatts(d, 4).watts);
  assert.equal(m.watts, best);
});

test("a system without PIM has no power checks; a design that does not resolve is not the power constraint's", () => {
  assert.deepEqual(powerChecks(point({ system: "gpu-only", requests: 4, batch: 4 })), []);
  assert.equal(check({ requests: 4, batch: 4, hardware: { fcPim: { numFpus: 16 } } }, {}), null);
});
