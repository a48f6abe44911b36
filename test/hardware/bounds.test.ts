import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { resolveBlock, type BlockKind } from "../../src/core/blocks.ts";
import { UserError } from "../../src/core/errors.ts";
import { GpuBlock } from "../../src/hardware/gpu/presets.ts";
import { LinkBlock } from "../../src/hardware/links/presets.ts";
import { HbmBlock } from "../../src/hardware/pim/hbm-presets.ts";
import { PimDesignBlock } from "../../src/hardware/pim/presets.ts";

/**
 * Every number of every hardware block (GPU, HBM org and timing, PIM design with its area and energy, link) has a
 * description with its unit and a finite range, and a value just outside the range is refused with a one-line error
 * naming the field's path and the range, from every preset. Catches a dropped bound, a bound on the wrong side, a
 * missing unit or description.
 */
type Node = Record<string, unknown>;
const KINDS: [string, BlockKind<unknown>][] = [["gpu", GpuBlock], ["hbm", HbmBlock], ["pim", PimDesignBlock], ["link", LinkBlock]] as never;

/** Numeric leaves of a block's patch schema as JSON Schema: path, range, integer. */
function numericFields(kind: BlockKind<unknown>): { path: string[]; node: Node }[] {
  const root = z.toJSONSchema(kind.patch(), { io: "input", unrepresentable: "any" }) as Node;
  const out: { path: string[]; node: Node }[] = [];
  const walk = (n: Node, path: string[]) => {
    if (n.type === "number" || n.type === "integer") out.push({ path, node: n });
    for (const [k, v] of Object.entries((n.properties as Record<string, Node>) ?? {})) walk(v, [...path, k]);
  };
  walk(root, []);
  return out;
}

/** A patch that sets one nested field. */
const patchAt = (path: string[], value: unknown): Node => path.reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Node;

describe("hardware bounds", () => {
  for (const [name, kind] of KINDS) {
    test(`${name}: every number has a unit in its description and a finite range`, () => {
      const fields = numericFields(kind);
      assert.ok(fields.length >= 3, name);
      for (const { path, node } of fields) {
        const where = `${name}.${path.join(".")}`;
        const lo = (node.minimum ?? node.exclusiveMinimum) as number;
        const hi = node.maximum as number;
        assert.ok(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi && hi !== Number.MAX_SAFE_INTEGER, `${where}: range [${lo}, ${hi}]`);
        assert.equal(typeof node.description, "string", `${where}: description`);
        // a unit in brackets, or a count (integers: "... per ...", "number of ..."), or a ratio
        assert.ok(/\[[^\]]+\]$/.test(node.description as string) || node.type === "integer" || /ratio|fraction|exponent/.test(node.description as string), `${where}: no unit in "${node.description}"`);
      }
    });

    test(`${name}: a value just outside the range is refused by name from every preset; the range's ends are the bounds`, () => {
      for (const preset of Object.keys(kind.presets())) {
        for (const { path, node } of numericFields(kind)) {
          const where = path.join(".");
          const hi = node.maximum as number;
          const isInt = node.type === "integer";
          const lo = (node.minimum ?? node.exclusiveMinimum) as number;
          const below = node.exclusiveMinimum !== undefined ? lo : isInt ? lo - 1 : lo - Math.max(1e-30, Math.abs(lo) * 1e-9);
          const above = isInt ? hi + 1 : hi * (1 + 1e-9);
          for (const bad of [below, above, isInt ? lo + 0.5 : NaN, Infinity, "12"]) {
            assert.throws(
              () => resolveBlock(kind, { preset, ...patchAt(path, bad) }, undefined, name),
              (e: unknown) => e instanceof UserError && e.message.includes(`${name}.${where}: must be`) && !e.message.includes("\n"),
              `${preset}: ${where} = ${String(bad)} was accepted`,
            );
          }
        }
      }
    });
  }

  test("a bound itself is allowed where the preset's other fields permit it (spot checks at paper scale)", () => {
    // 1 kB/s and 10 PB/s links; an FPU at 1 MHz and 100 GHz; zero launch overhead; efficiency exactly 1
    for (const v of [1e3, 1e16]) assert.equal((resolveBlock(LinkBlock, { preset: "nvlink3", bandwidthBytesPerSec: v }, undefined, "l") as { bandwidthBytesPerSec: number }).bandwidthBytesPerSec, v);
    for (const v of [1e6, 1e11]) assert.equal((resolveBlock(PimDesignBlock, { preset: "fc-pim", fpuClockHz: v }, undefined, "d") as { fpuClockHz: number }).fpuClockHz, v);
    assert.equal((resolveBlock(GpuBlock, { preset: "a100-hbm3", kernelLaunchOverheadSec: 0, computeEfficiency: 1 }, undefined, "g") as { computeEfficiency: number }).computeEfficiency, 1);
  });
});
