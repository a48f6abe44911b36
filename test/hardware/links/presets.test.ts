import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../../src/core/errors.ts";
import { LinkSpec } from "../../../src/hardware/links/schema.ts";
import { LINK_PRESETS, resolveLink } from "../../../src/hardware/links/presets.ts";

test("every link preset resolves by its name; NVLink per-message latency is AttAcc's fitted 6.06 us all-reduce step / 2", () => {
  for (const [name, l] of Object.entries(LINK_PRESETS)) {
    assert.equal(resolveLink(name), l);
    assert.equal(l.name, name);
  }
  // a ring all-reduce sends 2(N-1) messages; AttAcc's get_nvlink_time fits (N-1) x 6.06 us
  assert.equal(LINK_PRESETS.nvlink3.latencySec, 3.03e-6);
  assert.equal(LINK_PRESETS.nvlink3.bandwidthBytesPerSec, 300e9); // 600 GB/s total, 300 per direction
});

test("AttAcc's interface bandwidths (bidirectional): NVLink3 600, NVLink4 900, PCIe4 64, PCIe5 128 GB/s", () => {
  assert.equal(LINK_PRESETS.nvlink3.aggregateBandwidthBytesPerSec, 600e9);
  assert.equal(LINK_PRESETS.nvlink4.aggregateBandwidthBytesPerSec, 900e9);
  assert.equal(LINK_PRESETS.pcie4.aggregateBandwidthBytesPerSec, 64e9);
  assert.equal(LINK_PRESETS.pcie5.aggregateBandwidthBytesPerSec, 128e9);
  assert.equal(LINK_PRESETS.nvlink3.energyPerBitJoules, 1.3e-12);
  assert.ok(LINK_PRESETS.cxl.bandwidthBytesPerSec > LINK_PRESETS.cxl2.bandwidthBytesPerSec);
});

test("unknown link names list the known ones; an inconsistent aggregate names the field", () => {
  assert.throws(() => resolveLink("infiniband"), (e: unknown) => e instanceof UserError && /known: nvlink3, nvlink4, pcie4, pcie5, cxl2, cxl/.test(e.message));
  const r = LinkSpec.safeParse({ ...LINK_PRESETS.pcie4, aggregateBandwidthBytesPerSec: 100e9 });
  assert.equal(r.success, false);
  assert.deepEqual(r.error?.issues[0].path, ["aggregateBandwidthBytesPerSec"]);
  assert.equal(LinkSpec.safeParse({ ...LINK_PRESETS.pcie4, latencySec: -1 }).success, false);
  // unknown keys are errors (an override with a typo must not be ignored)
  assert.equal(LinkSpec.safeParse({ ...LINK_PRESETS.pcie4, latencyUs: 1 }).success, false);
});

test("aggregate = 2 x per-direction bandwidth within 1e-9 x aggregate; the message gives the expected number", () => {
  const base = { ...LINK_PRESETS.pcie4 };
  // pcie4: 32 GB/s per direction -> expected aggregate 64e9
  const r = LinkSpec.safeParse({ ...base, bandwidthBytesPerSec: 32e9, aggregateBandwidthBytesPerSec: 100e9 });
  assert.equal(r.success, false);
  assert.equal(r.error!.issues[0].message, "must be 2 x bandwidthBytesPerSec (64000000000), got 100000000000");
  // tolerance 1e-9 x 64e9 = 64 B/s exactly (1e-9 * 64e9 === 64 in doubles): an aggregate 64 B/s off 2 x bandwidth is
  // still accepted (the rule is "more than the tolerance"), 128 B/s off is not
  for (const bw of [(64e9 - 64) / 2, (64e9 + 64) / 2, 32e9 - 16]) {
    assert.equal(LinkSpec.safeParse({ ...base, bandwidthBytesPerSec: bw, aggregateBandwidthBytesPerSec: 64e9 }).success, true, `${bw}`);
  }
  for (const bw of [(64e9 - 128) / 2, (64e9 + 128) / 2]) {
    assert.equal(LinkSpec.safeParse({ ...base, bandwidthBytesPerSec: bw, aggregateBandwidthBytesPerSec: 64e9 }).success, false, `${bw}`);
  }
});
