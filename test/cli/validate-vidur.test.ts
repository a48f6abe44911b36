import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHIPPED_VIDUR_PROFILES } from "../../src/node/vidur-measurements.ts";
import { isCleanUserError, papi } from "./helpers.ts";

const H100 = "compute/h100/meta-llama/Llama-2-70b-hf/mlp.csv";

/** A temp copy of some of the shipped files (relative paths), optionally under another SKU folder and cut to `maxRows`. */
function copyOf(files: [string, string][], maxRows?: number): string {
  const d = mkdtempSync(join(tmpdir(), "papi-vidur-cli-"));
  for (const [from, to] of files) {
    mkdirSync(join(d, to, ".."), { recursive: true });
    if (maxRows === undefined) cpSync(join(SHIPPED_VIDUR_PROFILES, from), join(d, to));
    else writeFileSync(join(d, to), readFileSync(join(SHIPPED_VIDUR_PROFILES, from), "utf8").split("\n").slice(0, maxRows + 1).join("\n") + "\n");
  }
  return d;
}

test("validate gpu --vidur --json: every shipped file on its mapped preset, with per-file and per-operation errors", async () => {
  const r = await papi(["validate", "gpu", "--vidur", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { files: { path: string; gpu: string; all: { rows: number }; layerSum: { rows: number; medianAbsRelErr: number }; perOp: Record<string, { rows: number }> }[] };
  assert.deepEqual(j.files.map((f) => [f.path.split("/")[1], f.gpu, f.all.rows, f.layerSum.rows]), [
    ["a100", "a100-80gb", 10440, 1044],
    ["a100", "a100-80gb", 18240, 1824],
    ["h100", "h100-sxm", 10440, 1044],
  ]);
  assert.equal(Object.keys(j.files[0].perOp).length, 10);
  assert.ok(j.files.every((f) => f.layerSum.medianAbsRelErr > 0 && f.layerSum.medianAbsRelErr < 0.05));
});

test("validate gpu --measurements DIR recognizes Vidur's layout; the text names files, operations and the worst rows", async () => {
  const d = copyOf([[H100, H100]]);
  try {
    const r = await papi(["validate", "gpu", "--measurements", d]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /compute\/h100\/meta-llama\/Llama-2-70b-hf\/mlp\.csv\s+h100-sxm\s+10440/);
    assert.match(r.stdout, /mlp_down_proj/);
    assert.match(r.stdout, /worst rows:/);
    const g = await papi(["validate", "gpu", "--measurements", d, "--gpu", "h200-sxm", "--json"]);
    assert.equal(JSON.parse(g.stdout).files[0].gpu, "h200-sxm");
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("leave one model out on a Vidur folder: two model folds and a GPU carried over, in JSON", async () => {
  // two "models" of one SKU (the same file twice) and a one-model SKU: small enough to fit quickly
  const d = copyOf([
    [H100, "compute/a100/o/A/mlp.csv"],
    [H100, "compute/a100/o/B/mlp.csv"],
    [H100, H100],
  ], 40);
  try {
    const r = await papi(["validate", "gpu", "--measurements", d, "--leave-one-model-out", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const folds = JSON.parse(r.stdout).folds as { sku: string; kind: string; predict: string[]; parameters: Record<string, unknown> }[];
    assert.deepEqual(folds.map((f) => [f.sku, f.kind, f.predict]), [
      ["a100", "model", ["compute/a100/o/A/mlp.csv"]],
      ["a100", "model", ["compute/a100/o/B/mlp.csv"]],
      ["h100", "gpu", [H100]],
    ]);
    assert.deepEqual(folds[0].parameters, folds[1].parameters, "the same rows fit the same parameters");
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("validate collectives --json: per node, the five algorithms fitted (ring best), every preset, the other node's fit", async () => {
  const r = await papi(["validate", "collectives", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const nodes = JSON.parse(r.stdout).nodes as { node: string; link: string; intraNodeRows: number; crossNodeRows: number; fits: { algorithm: string }[]; presets: Record<string, unknown>; heldOut: unknown[] }[];
  assert.deepEqual(nodes.map((n) => [n.node, n.link, n.intraNodeRows, n.crossNodeRows, n.fits[0].algorithm, n.fits.length, n.heldOut.length]), [
    ["a100_dgx", "nvlink3", 2982, 3976, "ring", 5, 1],
    ["h100_dgx", "nvlink4", 2982, 0, "ring", 5, 1],
  ]);
  assert.deepEqual(Object.keys(nodes[0].presets), ["attacc-a100", "nccl-eager-a100", "nccl-eager-h100", "nccl-graph", "one-shot-custom"]);
  const t = await papi(["validate", "collectives"]);
  assert.match(t.stdout, /3976 rows spanning nodes left out/);
});

test("mistakes are one-line errors with exit code 2", async () => {
  const d = copyOf([[H100, "compute/b200/o/m/mlp.csv"]]);
  try {
    for (const args of [
      ["validate", "gpu", "--vidur", "--measurements", d],
      ["validate", "gpu", "--measurements", d],
      ["validate", "gpu", "--vidur", "--gpu", "h100-sx"],
      ["validate", "gpu", "--vidur", "--refit", "--leave-one-model-out"],
      ["validate", "gpu", "--refit"],
      ["validate", "gpu", "--vidur", "--leave-one-model-out", "--measurements", d],
      ["validate", "collectives", "--measurements", d],
      ["validate", "collectives", "--measurements", join(d, "nope")],
    ]) {
      const r = await papi(args);
      assert.ok(isCleanUserError(r), `${args.join(" ")}: ${r.status} ${r.stderr}`);
    }
    assert.match((await papi(["validate", "gpu", "--measurements", d])).stderr, /Vidur SKU "b200" maps to no GPU preset/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
