import { test } from "node:test";
import assert from "node:assert/strict";
import { frontNumbers, MAX_NUMBERED_FRONT, paretoMarkdown } from "../../../src/report/sweep/pareto.ts";
import type { DesignGroup, Objective } from "../../../src/sweep/pareto.ts";

const g = (fpus: number, banks: number, values: number[], o: Partial<DesignGroup> = {}): DesignGroup => ({
  design: { fpus, banks }, rows: 2, feasible: true, reason: "", values, onFront: false, references: [], ...o,
});
const objectives: Objective[] = [{ column: "latencySec", sense: "min" }, { column: "tokensPerSec", sense: "max" }];
/**
 * Four hand-made designs: C (1 s, 15 tok/s) and B (2 s, 40 tok/s) form the front; A (4 s, 10 tok/s, the reference
 * "attacc") is dominated by both; two designs break the power limit, one the capacity.
 */
const A = g(1, 1, [4, 10], { references: ["attacc"] });
const B = g(2, 1, [2, 40], { onFront: true });
const C = g(4, 1, [1, 15], { onFront: true, references: ["papi"] });
const bad = (banks: number, reason: string) => g(8, banks, [NaN, NaN], { feasible: false, reason });
const groups = [A, B, C, bad(1, "power: 80 W > 60 W"), bad(2, "capacity: 1 TB > 80 GB"), bad(4, "power: 90 W > 60 W")];
const md = paretoMarkdown("pim-grid", groups, objectives, ["fpus", "banks"], ["model"], 12);

test("the front is numbered 1.. by the first objective; a front longer than the figure can label is not", () => {
  const n = frontNumbers(groups);
  assert.deepEqual([...n].map(([x, i]) => [x.design.fpus, i]), [[4, 1], [2, 2]]);
  const many = Array.from({ length: MAX_NUMBERED_FRONT + 1 }, (_, i) => g(i, 1, [i, i], { onFront: true }));
  assert.equal(frontNumbers(many).size, 0);
  assert.equal(frontNumbers(many.slice(1)).size, MAX_NUMBERED_FRONT);
  // an infeasible group is never numbered, even if flagged
  assert.equal(frontNumbers([g(1, 1, [1, 1], { onFront: true, feasible: false })]).size, 0);
});

test("pareto.md counts points, designs, feasible and front designs, and tallies infeasible ones by constraint", () => {
  assert.ok(md.startsWith("# pim-grid: Pareto front\n\n"));
  assert.ok(md.includes(
    "12 points, 6 designs (rows grouped by fpus, banks; objectives are geometric means over model). 3 designs are feasible; 2 are Pareto-optimal in latencySec (lower is better), tokensPerSec (higher is better).",
  ));
  assert.ok(md.includes("Infeasible designs by first violated constraint: power 2, capacity 1."));
  const alone = paretoMarkdown("x", [A, B, C], objectives, ["fpus", "banks"], [], 3);
  assert.ok(alone.includes("3 points, 3 designs (rows grouped by fpus, banks). 3 designs"));
  assert.ok(!alone.includes("Infeasible"));
});

test("pareto.md's front table lists the front in order of the first objective, numbered, with units", () => {
  assert.ok(md.includes([
    "| # | fpus | banks | latencySec (s) | tokensPerSec (tokens/s) | reference |",
    "|---:|---:|---:|---:|---:|---|",
    "| 1 | 4 | 1 | 1.000 | 15.00 | papi |",
    "| 2 | 2 | 1 | 2.000 | 40.00 |  |",
  ].join("\n")), md);
});

test("each reference is placed against the front: on it with its ranks, or dominated with the largest gain", () => {
  assert.ok(md.includes("## Reference points"), md);
  // C: latency rank 1 of 3; throughput 15 is beaten by B's 40: rank 2
  assert.ok(md.includes("**papi** (fpus=4, banks=1) is **on the Pareto front**: no feasible design is at least as good in every objective and better in one. latencySec 1.000 (rank 1 of 3), tokensPerSec 15.00 (rank 2 of 3)."));
  // A is dominated by B and C; B's product of ratios (2/4 x 10/40 = 1/8) beats C's (1/4 x 10/15 = 1/6)
  assert.ok(md.includes(
    "**attacc** (fpus=1, banks=1) is **not Pareto-optimal** under papi's model: 2 front designs dominate it. latencySec 4.000 (rank 3 of 3), tokensPerSec 10.00 (rank 3 of 3). " +
      "The largest gain comes from changing fpus 1 -> 2: latencySec -50.0 %, tokensPerSec +300.0 %.",
  ), md);
  const one = paretoMarkdown("x", [g(1, 1, [4, 10], { references: ["r"] }), C], objectives, ["fpus", "banks"], [], 2);
  assert.ok(one.includes("1 front design dominates it.") && one.includes("changing fpus 1 -> 4: latencySec -75.0 %, tokensPerSec +50.0 %."), one);
  // the largest gain wins whatever the order the front designs come in (C before B here)
  const reordered = paretoMarkdown("pim-grid", [A, C, B], objectives, ["fpus", "banks"], [], 6);
  assert.ok(reordered.includes("The largest gain comes from changing fpus 1 -> 2: latencySec -50.0 %, tokensPerSec +300.0 %."), reordered);
  // a tie in one objective: +0.0 % (no change), never "-0.0 %"
  const tie = paretoMarkdown("x", [g(1, 1, [1, 10], { references: ["r"] }), C], objectives, ["fpus", "banks"], [], 2);
  assert.ok(tie.includes("changing fpus 1 -> 4: latencySec +0.0 %, tokensPerSec +50.0 %."), tie);
  const inf = paretoMarkdown("x", [C, bad(1, "power: 80 W > 60 W")].map((x, i) => (i ? { ...x, references: ["big"] } : x)), objectives, ["fpus", "banks"], [], 2);
  assert.ok(inf.includes("**big** (fpus=8, banks=1) is **infeasible** under papi's model: power: 80 W > 60 W."));
  assert.ok(!paretoMarkdown("x", [B, { ...C, references: [] }], objectives, ["fpus"], [], 2).includes("Reference points"));
});

test("a front too long to number: pareto.md's table has no # column", () => {
  const many = Array.from({ length: MAX_NUMBERED_FRONT + 1 }, (_, i) => g(i, 1, [i + 1, 100 - i], { onFront: true }));
  const text = paretoMarkdown("x", many, objectives, ["fpus"], [], 21);
  assert.ok(text.includes("\n| fpus | latencySec (s) | tokensPerSec (tokens/s) | reference |\n|---:|---:|---:|---:|\n"), text);
  assert.ok(text.includes("\n| 0 | 1.000 | 100.0 |  |\n"), text);
});
