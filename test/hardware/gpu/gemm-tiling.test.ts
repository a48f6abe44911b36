import { test } from "node:test";
import assert from "node:assert/strict";
import { smoothMax } from "../../../src/hardware/gpu/gemm-tiling.ts";

const close = (a: number, b: number, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test("smoothMax limits: 0 when neither input is positive (no 0/0), hard max when one input is 0", () => {
  // hi = max(a, b) <= 0: nothing to combine, exactly 0 (never NaN from (lo/hi) = 0/0 or -3/0)
  for (const p of [1, 2, 1000]) {
    assert.equal(smoothMax(0, 0, p), 0);
    assert.equal(smoothMax(-3, 0, p), 0);
    assert.equal(smoothMax(0, -3, p), 0);
    assert.equal(smoothMax(-1, -2, p), 0);
    // one input 0: hi · (1 + 0^p)^(1/p) = hi
    assert.equal(smoothMax(5, 0, p), 5);
    assert.equal(smoothMax(0, 5, p), 5);
  }
});

test("smoothMax is symmetric and is (a^p + b^p)^(1/p): 3 and 4 at p = 2 give 5, p = 1 the sum", () => {
  close(smoothMax(3, 4, 2), 5);
  close(smoothMax(4, 3, 2), 5);
  close(smoothMax(3, 4, 1), 7);
  close(smoothMax(4, 3, 1), 7);
  // equal inputs: a · 2^(1/p)
  close(smoothMax(4, 4, 2), 4 * Math.SQRT2);
});
