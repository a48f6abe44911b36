import { test } from "node:test";
import assert from "node:assert/strict";
import { COLLECTIVE_ALGORITHMS } from "../../../src/fabric/collectives/index.ts";
import { LINK_PRESETS } from "../../../src/hardware/links/presets.ts";

// One link for every hand derivation: 2 us per message, 100 GB/s per direction, 1 pJ/bit (8 pJ per byte sent).
const link = { ...LINK_PRESETS.nvlink3, latencySec: 2e-6, bandwidthBytesPerSec: 100e9, energyPerBitJoules: 1e-12 };
const B = 8e6; // each GPU's buffer
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${what}: ${a} vs ${b}`);
const check = (name: string, kind: "all-reduce" | "all-gather" | "reduce-scatter", n: number, timeSec: number, bytesSent: number) => {
  const c = COLLECTIVE_ALGORITHMS.get(name).cost(link, kind, B, n);
  close(c.timeSec, timeSec, `${name} ${kind} N=${n} time`);
  close(c.energyJoules, bytesSent * 8e-12, `${name} ${kind} N=${n} energy`);
};

test("one-shot: one message; all-reduce sends the whole buffer to each of the N - 1 others", () => {
  check("one-shot", "all-reduce", 8, 2e-6 + (7 * B) / 100e9, 8 * 7 * B); // 562 us, 448 MB
  check("one-shot", "all-gather", 8, 2e-6 + (7 * B) / 8 / 100e9, 7 * B); // 72 us: shards of 1 MB to 7 peers
  check("one-shot", "reduce-scatter", 8, 2e-6 + (7 * B) / 8 / 100e9, 7 * B);
  check("one-shot", "all-reduce", 2, 2e-6 + B / 100e9, 2 * B);
});

test("tree: 2 ceil(log2 N) messages and 2 B per participant for all-reduce; rings for the other kinds", () => {
  check("tree", "all-reduce", 8, 6 * 2e-6 + (2 * B) / 100e9, 2 * 7 * B); // depth 3: 172 us
  check("tree", "all-reduce", 5, 6 * 2e-6 + (2 * B) / 100e9, 2 * 4 * B); // ceil(log2 5) = 3
  check("tree", "all-reduce", 2, 2 * 2e-6 + (2 * B) / 100e9, 2 * B);
  check("tree", "all-gather", 8, 7 * (2e-6 + B / 8 / 100e9), 7 * B); // NCCL: ring only
  check("tree", "reduce-scatter", 4, 3 * (2e-6 + B / 4 / 100e9), 3 * B);
});

test("in-switch: all-reduce in 2 hops with B each way; all-gather and reduce-scatter in one hop", () => {
  check("in-switch", "all-reduce", 8, 2 * 2e-6 + B / 100e9, 2 * 8 * B); // 84 us; both hops counted
  check("in-switch", "all-reduce", 2, 2 * 2e-6 + B / 100e9, 2 * 2 * B); // independent of N but for energy
  check("in-switch", "all-gather", 8, 2e-6 + (7 * B) / 8 / 100e9, 8 * B);
  check("in-switch", "reduce-scatter", 8, 2e-6 + (7 * B) / 8 / 100e9, 8 * B);
});

test("bandwidth-only: B / bandwidth, no latency, whatever the kind (AttAcc's X2G)", () => {
  for (const kind of ["all-reduce", "all-gather", "reduce-scatter"] as const) check("bandwidth-only", kind, 8, B / 100e9, 8 * B);
  const slow = COLLECTIVE_ALGORITHMS.get("bandwidth-only").cost({ ...link, latencySec: 1 }, "all-reduce", B, 8);
  close(slow.timeSec, B / 100e9, "latency ignored");
});

test("small messages: one message (one-shot) beats two hops (in-switch), which beat the tree's 6 and the ring's 14", () => {
  const t = (name: string, bytes: number) => COLLECTIVE_ALGORITHMS.get(name).cost(link, "all-reduce", bytes, 8).timeSec;
  assert.ok(t("one-shot", 1024) < t("tree", 1024) && t("tree", 1024) < t("ring", 1024));
  assert.ok(t("one-shot", 1024) < t("in-switch", 1024) && t("in-switch", 1024) < t("tree", 1024));
  // large messages: one-shot's N - 1 copies of the buffer lose to the ring's 2 (N - 1) / N
  assert.ok(t("one-shot", 64e6) > t("ring", 64e6));
});
