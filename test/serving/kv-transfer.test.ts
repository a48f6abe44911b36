import { test } from "node:test";
import assert from "node:assert/strict";
import { handOffCost, hasSwapTier, swapCost } from "../../src/serving/kv-transfer.ts";
import { fabricTransferCost } from "../../src/fabric/cost.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${a} vs ${b}`);

test("KV hand-off by hand: layers x latency + bytes / links / bandwidth; every bit pays the link's energy", () => {
  const link = { latencySec: 1e-6, bandwidthBytesPerSec: 1e9, energyPerBitJoules: 2e-12 } as never;
  // 8 MB over 4 links of 1 GB/s, 10 layers: 10 us + 2 ms; energy 8e6 x 8 bits x 2 pJ
  const c = handOffCost({ link, numLinks: 4 }, 8e6, 10);
  close(c.timeSec, 10e-6 + 2e-3);
  close(c.energyJoules, 8e6 * 8 * 2e-12);
});

test("swap cost: the host fabric, then each attention fabric the KV sits behind, one message each; no host: no swap tier", () => {
  const fabric = (bw: number, pj: number) => ({ numLinks: 2, transfers: "bandwidth-only", link: { latencySec: 0, bandwidthBytesPerSec: bw, energyPerBitJoules: pj * 1e-12 } }) as never;
  const host = fabric(1e9, 5);
  const via = fabric(4e9, 1);
  const ctx = { spec: { fabrics: { host } }, attentionVia: [via] } as never;
  const c = swapCost(ctx, 1e6);
  // 1 MB over 2 links: 0.5 ms on the host fabric + 0.125 ms behind it; 8e6 bits at 5 + 1 pJ
  close(c.timeSec, 0.5e-3 + 0.125e-3);
  close(c.energyJoules, 8e6 * 6e-12);
  close(c.timeSec, fabricTransferCost(host, 1e6, 1).timeSec + fabricTransferCost(via, 1e6, 1).timeSec);
  const none = { spec: { fabrics: {} }, attentionVia: [] } as never;
  assert.deepEqual(swapCost(none, 1e6), { timeSec: Infinity, energyJoules: 0 });
  assert.deepEqual([hasSwapTier(ctx), hasSwapTier(none)], [true, false]);
});
