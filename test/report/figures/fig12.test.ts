import { test } from "node:test";
import assert from "node:assert/strict";
import { fig12 } from "../../../src/report/figures/fig12.ts";
import type { PointSpec } from "../../../src/report/experiments.ts";
import { fakeExperiments } from "../fake-experiments.ts";

const A = { fc: 5, attention: 1, communication: 0, other: 1 };
const P = { fc: 2, attention: 2, communication: 0.5, other: 0.5 };
const exp = fakeExperiments((p: PointSpec) => {
  const b = p.system === "attacc-only" ? A : P;
  return { breakdownSec: b, perTokenSec: { fc: b.fc / 1000, attention: b.attention / 1000, communication: b.communication / 1000, other: b.other / 1000 } };
});

test("fig12: FC speedup, attention slowdown and communication share of PIM-only PAPI's decode time", () => {
  const f = fig12({ exp, protocol: "all-batches" });
  // FC 5/2, attention 2/1, communication 0.5 of 5 s
  assert.deepEqual(f.summary, { fig12: { fcSpeedup: 2.5, attentionSlowdown: 2, communicationShare: 0.1 } });
  assert.ok(f.markdown.includes("| FC speedup (AttAcc-only FC / PIM-only PAPI FC) | 2.50x |"));
  assert.ok(f.markdown.includes("| attention slowdown (PIM-only PAPI / AttAcc-only) | 2.00x |"));
  assert.ok(f.markdown.includes("| communication share of PIM-only PAPI decode time | 10.0 % |"));
});

test("fig12's table: each system's four parts in ms per token", () => {
  const rows = fig12({ exp, protocol: "all-batches" }).tables[0].rows;
  assert.deepEqual(rows.map((r) => [r.system, r.part, r.msPerToken]), [
    ["attacc-only", "fc", 5], ["attacc-only", "attention", 1], ["attacc-only", "communication", 0], ["attacc-only", "other", 1],
    ["pim-only-papi", "fc", 2], ["pim-only-papi", "attention", 2], ["pim-only-papi", "communication", 0.5], ["pim-only-papi", "other", 0.5],
  ]);
  assert.ok(rows.every((r) => r.systemLabel === (r.system === "attacc-only" ? "AttAcc-only" : "PIM-only PAPI")));
});

test("fig12's chart labels: ms with 3 decimals, 2 significant digits under 0.01 ms; thin segments outside by short name", () => {
  const T = { fc: 5, attention: 1, communication: 0.005, other: 0.1 };
  const thin = fakeExperiments(() => ({ breakdownSec: T, perTokenSec: { fc: T.fc / 1000, attention: T.attention / 1000, communication: T.communication / 1000, other: T.other / 1000 } }));
  const labels = JSON.stringify(fig12({ exp: thin, protocol: "all-batches" }).charts[0].spec).match(/"__t":"[^"]*"/g)!;
  for (const l of ["5.000 ms", "1.000 ms", "communication: 0.0050 ms", "other: 0.100 ms"]) assert.ok(labels.includes(`"__t":"${l}"`), l);
});
