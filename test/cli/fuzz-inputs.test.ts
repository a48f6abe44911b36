import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify as toYaml } from "yaml";
import { fuzzCli, papi } from "./helpers.ts";

/**
 * The fuzz campaign's input classes as properties (in-process, seeded): run configs, Hugging Face model files and
 * trace CSVs, each a valid one mutated (a key dropped, renamed, a value of the wrong type, out of range, a nested
 * unknown key, ...). Every outcome is exit 0 with finite --json numbers or one clean line on stderr.
 */
const dir = mkdtempSync(join(tmpdir(), "papi-fuzz-in-"));
let n = 0;
const file = (ext: string, text: string): string => {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values that break schemas: wrong types, out-of-range and non-finite-looking numbers, empty things. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(-1, 0, 0.5, 1e-300, 1e308, -1e308, 5e9, 2 ** 53 + 2, "", "abc", "1e3", true, null, [], {}, [1, 2], { preset: "nope" }, { x: 1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 6 }),
);

/** Every path to a leaf of a JSON value (objects only; arrays are leaves). */
function leafPaths(v: Json, path: string[] = []): string[][] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return [path];
  const entries = Object.entries(v);
  return entries.length === 0 ? [path] : entries.flatMap(([k, x]) => leafPaths(x, [...path, k]));
}

type Mutation = { kind: "drop" | "rename" | "replace" | "unknown"; path: string[]; value: Json; name: string };

/** Applies a mutation to a deep copy. */
function mutate(base: Json, m: Mutation): Json {
  const copy = structuredClone(base) as { [k: string]: Json };
  if (m.path.length === 0) return m.kind === "replace" ? m.value : copy;
  let parent = copy;
  for (const k of m.path.slice(0, -1)) {
    const next = parent[k];
    // an earlier mutation removed or replaced this branch: nothing left to mutate here
    if (next === null || typeof next !== "object" || Array.isArray(next)) return copy;
    parent = next;
  }
  const last = m.path[m.path.length - 1];
  if (m.kind === "drop") delete parent[last];
  else if (m.kind === "rename") {
    parent[`${last}${m.name}`] = parent[last];
    delete parent[last];
  } else if (m.kind === "replace") parent[last] = m.value;
  else parent[m.name] = m.value;
  return copy;
}

/** 1-3 random mutations of `base`. */
const mutated = (base: Json) => {
  const paths = leafPaths(base);
  const one = fc.record({
    kind: fc.constantFrom<Mutation["kind"]>("drop", "rename", "replace", "replace", "unknown"),
    path: fc.constantFrom(...paths).chain((p) => fc.integer({ min: 0, max: p.length }).map((cut) => p.slice(0, Math.max(1, cut)))),
    value: wrongValue,
    name: fc.constantFrom("x", "_", "Sec", "s", "Typo"),
  });
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce(mutate, base));
};

const BASE_CONFIG: Json = {
  system: { preset: "papi", gpu: { numGpus: 6 } },
  model: "llama-65b",
  trace: "fixed:64:16",
  requests: 8,
  batch: 8,
  spec: [2, 4],
  acceptanceRate: 0.8,
  scheduler: "papi",
  seed: 3,
  draft: { timePerTokenSec: 0.0001, energyPerTokenJoules: 0.01 },
  hardware: {
    gpu: { preset: "a100-hbm3", l2BandwidthBytesPerSec: 7e12, numSms: 108 },
    fcPim: { numFpus: 1, fpuClockHz: 666e6, energy: { macJoules: 3.2e-13 } },
    hbm: { timing: { nRCD: 14 } },
    links: { gpuGpu: { latencySec: 5e-6 }, attention: { bandwidthBytesPerSec: 64e9 } },
  },
};

const LLAMA_HF: Json = {
  architectures: ["LlamaForCausalLM"], hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32,
  num_key_value_heads: 32, vocab_size: 32000, hidden_act: "silu", torch_dtype: "float16", tie_word_embeddings: false,
};
const QWEN_MOE_HF: Json = {
  architectures: ["Qwen3MoeForCausalLM"], hidden_size: 2048, intermediate_size: 6144, num_hidden_layers: 48, num_attention_heads: 32,
  num_key_value_heads: 4, head_dim: 128, vocab_size: 151936, hidden_act: "silu", num_experts: 128, num_experts_per_tok: 8,
  moe_intermediate_size: 768, decoder_sparse_step: 1, mlp_only_layers: [], shared_expert_intermediate_size: 0, torch_dtype: "bfloat16",
};

describe("fuzz: inputs", () => {
  test("run configs (YAML and JSON), mutated: a finite result or one clean line", async () => {
    await fuzzCli("fuzz-inputs.test.ts #0", fc.tuple(mutated(BASE_CONFIG), fc.boolean()), ([cfg, yaml]) => {
      const path = yaml ? file("yaml", toYaml(cfg)) : file("json", JSON.stringify(cfg));
      // the run stays small: a mutated requests/batch may be large, so cap with flags (flags override the file)
      const args = ["run", "--config", path, "--requests", "6", "--json"];
      return { args, what: `${args.join(" ")}\n${JSON.stringify(cfg)}` };
    }, { numRuns: 80, seed: 51 });
  });

  test("Hugging Face model files (dense and MoE), mutated: kernels and a short run are finite or one clean line", async () => {
    await fuzzCli("fuzz-inputs.test.ts #1", fc.tuple(fc.oneof(mutated(LLAMA_HF), mutated(QWEN_MOE_HF)), fc.boolean()), ([model, run]) => {
      const path = file("json", JSON.stringify(model));
      const args = run ? ["run", "--model", path, "--system", "papi", "--requests", "2", "--trace", "fixed:16:4", "--json"] : ["kernels", "--model", path, "--rlp", "4", "--json"];
      return { args, what: `${args.join(" ")}\n${JSON.stringify(model)}` };
    }, { numRuns: 60, seed: 52 });
  });

  test("trace CSVs (quotes, empty lines, BOM, CRLF, negative and huge numbers, missing columns): a finite result or one clean line naming the file", async () => {
    const cell = fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 1, max: 300 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom("-3", "0", "1e12", "99999999999", "1.5", "", " ", "abc", '"12"', '"1,2"', '"a""b"', '"x\ny"', "NaN", "Infinity") },
    );
    // a header and rows that mostly fit it (so some traces run), with bad cells, bad rows and stray lines mixed in
    const HEADERS: Record<string, (i: number) => fc.Arbitrary<string>> = {
      "lin,lout": () => fc.tuple(cell, cell).map((c) => c.join(",")),
      "lin,lout,arrival_sec": (i) => fc.tuple(cell, cell).map((c) => `${c.join(",")},${i * 0.5}`),
      "category,lin,lout": () => fc.tuple(fc.constantFrom("open_qa", "creative_writing", '"a,b"'), cell, cell).map((c) => c.join(",")),
      "TIMESTAMP,ContextTokens,GeneratedTokens": (i) => fc.tuple(cell, cell).map((c) => `2023-11-16 18:15:${String(10 + i).padStart(2, "0")}.5,${c.join(",")}`),
      "lout,lin": () => fc.tuple(cell, cell).map((c) => c.join(",")),
      "lin": () => cell,
      "a,b": () => fc.tuple(cell, cell).map((c) => c.join(",")),
      "": () => cell,
    };
    const randomRow = fc.array(cell, { minLength: 1, maxLength: 4 }).map((c) => c.join(","));
    const csv = fc.constantFrom(...Object.keys(HEADERS)).chain((header) => fc.record({
      header: fc.constant(header),
      rows: fc.array(fc.nat(3), { maxLength: 12 }).chain((kinds) =>
        kinds.length === 0 ? fc.constant([] as string[]) : fc.tuple(...kinds.map((k, i) => (k === 0 ? randomRow : HEADERS[header](i))))),
      empties: fc.array(fc.nat(12), { maxLength: 3 }),
      bom: fc.boolean(),
      nl: fc.constantFrom("\n", "\r\n"),
    })).map(({ header, rows, empties, bom, nl }) => {
      const lines = [header, ...rows];
      for (const e of empties) lines.splice(Math.min(e, lines.length), 0, "");
      return (bom ? "\ufeff" : "") + lines.join(nl) + nl;
    });
    await fuzzCli("fuzz-inputs.test.ts #2", csv, (text) => {
      const path = file("csv", text);
      return {
        args: ["run", "--trace", path, "--requests", "6", "--batch", "4", "--json"],
        what: JSON.stringify(text),
        check: (r) => {
          if (r.status !== 0) assert.ok(r.stderr.includes(path) || /trace|requests|empty/.test(r.stderr), r.stderr);
        },
      };
    }, { numRuns: 80, seed: 53 });
  });

  test("a run config's valid base and the values it mutates in are accepted as given (the fuzz's baseline runs)", async () => {
    const r = await papi(["run", "--config", file("json", JSON.stringify(BASE_CONFIG)), "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const m = await papi(["kernels", "--model", file("json", JSON.stringify(QWEN_MOE_HF)), "--json"]);
    assert.equal(m.status, 0, m.stderr);
  });
});
