import { test } from "node:test";
import assert from "node:assert/strict";
import { makeRng } from "../../src/core/rng.ts";
import { expectedTokensPerIteration, maxTlp, tokensProduced, tlpAt } from "../../src/serving/speculative.ts";

test("acceptance statistics: mean tokens per iteration is (1 - p^T) / (1 - p) within a 5-sigma bound", () => {
  // p = 0.8, T = 4: E = (1 - 0.4096) / 0.2 = 2.952; tokens are 1 + the accepted prefix (1..4).
  // P(n) = p^(n-1) (1 - p) for n < T, P(T) = p^(T-1): 0.2, 0.16, 0.128, 0.512; E[n^2] = 0.2 + 0.64 + 1.152 + 8.192
  // = 10.184, variance 10.184 - 2.952^2 = 1.469696; over 40,000 draws sigma of the mean = 0.00606.
  // (Inverting the test, p -> 1 - p, would give (1 - 0.2^4) / 0.8 = 1.248.)
  const rng = makeRng(42);
  const n = 40000;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const k = tokensProduced({ kind: "rate", rate: 0.8 }, 4, rng);
    sum += k;
    max = Math.max(max, k);
  }
  const mean = sum / n;
  assert.ok(Math.abs(expectedTokensPerIteration({ kind: "rate", rate: 0.8 }, 4) - 2.952) < 1e-12);
  assert.ok(Math.abs(mean - 2.952) < 5 * Math.sqrt(1.469696 / n), String(mean));
  assert.equal(max, 4);
});

test("acceptance: T = 1 yields one token, ideal yields T, rate 1 yields T", () => {
  const rng = makeRng(1);
  assert.equal(tokensProduced({ kind: "rate", rate: 0.5 }, 1, rng), 1);
  assert.equal(tokensProduced({ kind: "ideal" }, 6, rng), 6);
  assert.equal(tokensProduced({ kind: "rate", rate: 1 }, 6, rng), 6);
  assert.equal(expectedTokensPerIteration({ kind: "rate", rate: 1 }, 6), 6);
});

test("TLP policies: fixed, cycle by iteration, adaptive clamps target / RLP", () => {
  assert.equal(tlpAt({ kind: "fixed", tlp: 3 }, 7, 5), 3);
  assert.equal(tlpAt({ kind: "cycle", tlps: [1, 2, 4] }, 4, 5), 2);
  assert.equal(tlpAt({ kind: "adaptive", targetTokens: 16, maxTlp: 8 }, 0, 3), 5);
  assert.equal(tlpAt({ kind: "adaptive", targetTokens: 16, maxTlp: 8 }, 0, 1), 8);
  assert.equal(tlpAt({ kind: "adaptive", targetTokens: 16, maxTlp: 8 }, 0, 40), 1);
});

test("maxTlp bounds every policy's TLP (the KV reservation uses it); expected tokens by hand", () => {
  assert.equal(maxTlp({ kind: "fixed", tlp: 3 }), 3);
  assert.equal(maxTlp({ kind: "cycle", tlps: [2, 8, 4] }), 8);
  assert.equal(maxTlp({ kind: "adaptive", targetTokens: 64, maxTlp: 6 }), 6);
  for (const p of [{ kind: "cycle" as const, tlps: [2, 8, 4] }, { kind: "adaptive" as const, targetTokens: 64, maxTlp: 6 }]) {
    for (let it = 0; it < 6; it++) for (const rlp of [0, 1, 3, 100]) assert.ok(tlpAt(p, it, rlp) <= maxTlp(p) && tlpAt(p, it, rlp) >= 1);
  }
  // p = 0.5, T = 3: 1 + 0.5 + 0.25 = 1.75 = (1 - 0.125) / 0.5
  assert.equal(expectedTokensPerIteration({ kind: "rate", rate: 0.5 }, 3), 1.75);
  assert.equal(expectedTokensPerIteration({ kind: "ideal" }, 5), 5);
  // an almost-never-accepting draft yields one token per iteration; adaptive with no requests counts one
  const rng = makeRng(2);
  for (let i = 0; i < 50; i++) assert.equal(tokensProduced({ kind: "rate", rate: 1e-12 }, 8, rng), 1);
  assert.equal(tlpAt({ kind: "adaptive", targetTokens: 16, maxTlp: 32 }, 0, 0), 16);
});
