import { test } from "node:test";
import assert from "node:assert/strict";
import { RunConfig, runConfigJsonSchema } from "../../src/serving/config.ts";

type Node = Record<string, unknown>;

/** Every numeric leaf of a JSON Schema node's object branches, with its path. */
function numericLeaves(node: Node, path: string, out: [string, Node][] = []): [string, Node][] {
  const branches = (node.anyOf as Node[] | undefined) ?? [node];
  for (const b of branches) {
    if (b.type === "number" || b.type === "integer") out.push([path, b]);
    const props = b.properties as Record<string, Node> | undefined;
    if (props) for (const [k, v] of Object.entries(props)) numericLeaves(v, `${path}.${k}`, out);
    if (b.items) numericLeaves(b.items as Node, `${path}[]`, out);
  }
  return out;
}

test("papi schema: every hardware number has a description with its unit, a finite range and a default", () => {
  const schema = runConfigJsonSchema() as Node;
  const hardware = (schema.properties as Record<string, Node>).hardware;
  const leaves = numericLeaves(hardware, "hardware");
  assert.ok(leaves.length > 100, `only ${leaves.length} hardware numbers found`);
  const missing: string[] = [];
  for (const [path, n] of leaves) {
    if (path.includes("gemmTileShapes")) continue; // a list's items: the list has the default
    const lo = n.minimum ?? n.exclusiveMinimum;
    const hi = n.maximum;
    if (typeof n.description !== "string" || n.description.length < 8) missing.push(`${path}: description`);
    if (typeof lo !== "number" || typeof hi !== "number" || hi === Number.MAX_SAFE_INTEGER || !Number.isFinite(hi)) missing.push(`${path}: range [${lo}, ${hi}]`);
    if (typeof n.default !== "number") missing.push(`${path}: default`);
  }
  assert.deepEqual(missing, []);
});

test("papi schema: every run number has a stated maximum (no field is unbounded)", () => {
  const schema = runConfigJsonSchema() as Node;
  const unbounded = numericLeaves(schema, "").filter(([, n]) => typeof n.maximum !== "number" || n.maximum === Number.MAX_SAFE_INTEGER).map(([p]) => p);
  assert.deepEqual(unbounded, []);
});

test("papi schema: only fields the default system's devices have get a default (a preset reference has none)", () => {
  const schema = runConfigJsonSchema() as Node;
  const bad: string[] = [];
  const walk = (n: unknown, path: string): void => {
    if (n === null || typeof n !== "object") return;
    const node = n as Node;
    if ("default" in node && node.default === undefined) bad.push(path);
    if (path.endsWith(".preset") && typeof node.description === "string" && node.description.includes("default: the system's device")) bad.push(`${path} (description)`);
    for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
  };
  walk((schema.properties as Record<string, Node>).hardware, "hardware");
  assert.deepEqual(bad, []);
});

test("seed: every 32-bit unsigned value is accepted, 2^32 is not", () => {
  assert.equal(RunConfig.parse({ seed: 2 ** 32 - 1 }).seed, 2 ** 32 - 1);
  assert.equal(RunConfig.parse({ seed: 0 }).seed, 0);
  const r = RunConfig.safeParse({ seed: 2 ** 32 });
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0].message, /seed/);
});

test("integer fields: a non-number, a fraction and an out-of-range value each name the field and its whole range", () => {
  const message = (input: unknown) => {
    const r = RunConfig.safeParse(input);
    assert.equal(r.success, false);
    return r.error!.issues[0].message;
  };
  assert.equal(message({ batch: "4" }), "batch must be an integer in [1, 65536]");
  assert.equal(message({ requests: null }), "requests must be an integer in [1, 2000000]");
  assert.equal(message({ batch: 1.5 }), "batch must be an integer in [1, 65536]");
  assert.equal(message({ batch: 0 }), "batch must be an integer in [1, 65536]");
  assert.equal(message({ batch: 65_537 }), "batch must be an integer in [1, 65536]");
  assert.equal(message({ gpus: -1 }), "gpus must be an integer in [0, 4096]");
  assert.equal(message({ batch: Infinity }), "batch must be an integer in [1, 65536]");
});

test("spec.targetTokens may be as large as MAX_BATCH x MAX_TLP, not more", () => {
  assert.equal((RunConfig.parse({ spec: { targetTokens: 65_536 * 256, maxTlp: 8 } }).spec as { targetTokens: number }).targetTokens, 65_536 * 256);
  assert.equal(RunConfig.safeParse({ spec: { targetTokens: 65_536 * 256 + 1, maxTlp: 8 } }).success, false);
});
