import { UserError } from "../../core/errors.ts";
import { assertFiniteResult } from "../../core/finite.ts";
import { readDataFile } from "../../node/read-data-file.ts";
import { PIM_FC_MAPPING_NAMES, pimAttentionCost, pimFcCost, type PimFcMappingName, type PimKernelCost } from "../../hardware/pim/cost.ts";
import { pimEnergyBreakdownAtReuse, pimStackPowerWatts } from "../../hardware/pim/power.ts";
import { PIM_DESIGNS, POWER_STUDY_DESIGNS, resolvePimDesign } from "../../hardware/pim/presets.ts";
import { PAPER_PIM_AREA, PIM_DEFAULTS, maxBanksPerDie, pimBanksPerDie, type PimDesign } from "../../hardware/pim/schema.ts";
import { MAX_BATCH, MAX_CONTEXT_TOKENS, MAX_TLP } from "../../serving/limits.ts";
import { MAX_STACKS } from "../../systems/limits.ts";
import { MODEL_LIMITS } from "../../models/schema.ts";
import { parseNumber, parsePositiveInt, parsePositiveIntList } from "../args.ts";
import { out, printJson } from "../io.ts";

/** `papi pim`: one PIM kernel from DRAM commands; `papi pim power`; `papi pim area`. */

/** A preset name, or a path to a JSON/YAML design file (schema-validated). */
export function loadDesign(nameOrPath: string): PimDesign {
  if (/\.(json|ya?ml)$/.test(nameOrPath)) return resolvePimDesign(readDataFile(nameOrPath));
  return resolvePimDesign(nameOrPath);
}

export interface KernelOpts {
  design?: string; kernel: string; json?: boolean; stacks: string; dtypeBytes: string;
  m?: string; k?: string; n?: string; fcMapping?: string;
  heads?: string; kvHeads?: string; headDim?: string; context?: string; tlp: string; requests: string;
}

/**
 * Bounds of the kernel flags: those of a run and a model (MAX_BATCH x MAX_TLP tokens of reuse, MODEL_LIMITS widths,
 * MAX_CONTEXT_TOKENS), so `papi pim` prices any kernel a run can produce and nothing that would overflow.
 */
const LIMITS = {
  "--m": MAX_BATCH * MAX_TLP,
  "--k": MODEL_LIMITS.intermediate_size,
  "--n": MODEL_LIMITS.intermediate_size,
  "--heads": MODEL_LIMITS.num_attention_heads,
  "--kv-heads": MODEL_LIMITS.num_attention_heads,
  "--head-dim": MODEL_LIMITS.head_dim,
} as const;

function need(flag: keyof typeof LIMITS, v: string | undefined): number {
  if (v === undefined) throw new UserError(`${flag} is required for this kernel`);
  return parsePositiveInt(flag, v, LIMITS[flag]);
}

export function runKernel(o: KernelOpts): void {
  const design = loadDesign(o.design ?? "fc-pim");
  const numStacks = parsePositiveInt("--stacks", o.stacks, MAX_STACKS);
  const dtypeBytes = parsePositiveInt("--dtype-bytes", o.dtypeBytes, 8) /* fp64 is the widest dtype */;
  let cost: PimKernelCost;
  let layout = "";
  if (o.kernel === "fc") {
    const mapping = o.fcMapping ?? design.fcMapping ?? PIM_DEFAULTS.fcMapping;
    if (!(PIM_FC_MAPPING_NAMES as readonly string[]).includes(mapping)) {
      throw new UserError(`--fc-mapping must be one of ${PIM_FC_MAPPING_NAMES.join(", ")}, got "${mapping}"`);
    }
    const fc = pimFcCost(design, { m: need("--m", o.m), k: need("--k", o.k), n: need("--n", o.n), numStacks, dtypeBytes }, mapping as PimFcMappingName);
    cost = fc;
    const split = fc.kSplit > 1 ? ` (k in ${fc.kSplit} slices, partial sums added on the buffer die)` : "";
    layout = `mapping         ${fc.mapping}${split}; binding resource: ${fc.bindingResource}`;
  } else if (o.kernel === "attention") {
    const numHeads = need("--heads", o.heads);
    const numRequests = parsePositiveInt("--requests", o.requests, MAX_BATCH);
    const context = parsePositiveIntList("--context", o.context ?? "", MAX_CONTEXT_TOKENS, MAX_BATCH);
    if (context.length !== 1 && context.length !== numRequests) {
      throw new UserError(`--context must give 1 length or one per request (${numRequests}), got ${context.length}`);
    }
    const contextLens = Array.from({ length: numRequests }, (_, i) => context[context.length === 1 ? 0 : i]);
    cost = pimAttentionCost(design, {
      numHeads,
      numKvHeads: o.kvHeads === undefined ? numHeads : parsePositiveInt("--kv-heads", o.kvHeads, LIMITS["--kv-heads"]),
      headDim: need("--head-dim", o.headDim),
      contextLens,
      tlp: parsePositiveInt("--tlp", o.tlp, MAX_TLP),
      numStacks,
      dtypeBytes,
    });
  } else {
    throw new UserError(`--kernel must be "fc" or "attention", got "${o.kernel}"`);
  }
  assertFiniteResult(cost, "the kernel", [`--design ${design.name}`, ...(o.kernel === "fc" ? ["--m", "--k", "--n"] : ["--heads", "--head-dim", "--context"])]);
  if (o.json) return printJson({ design: design.name, kernel: o.kernel, ...cost });
  const b = cost.energyBreakdownJoules;
  const pct = (x: number) => `${((100 * x) / cost.energyJoules).toFixed(1)}%`;
  const lines = [
    `design ${design.name} (${design.numFpus}P${design.numBanksPerFpuGroup}B, ${design.computeSemantics}), kernel ${o.kernel}, ${numStacks} stack(s)`,
    ...(layout ? [layout] : []),
    `time            ${(cost.timeSec * 1e6).toFixed(3)} us`,
    `internal BW     ${(cost.internalBandwidthBytesPerSec / 1e12).toFixed(3)} TB/s (${(cost.internalBytes / 2 ** 20).toFixed(2)} MiB read in the banks)`,
    `throughput      ${(cost.flopsPerSec / 1e12).toFixed(3)} TFLOP/s (${(cost.flops / 1e9).toFixed(3)} GFLOP)`,
    `energy          ${(cost.energyJoules * 1e6).toFixed(3)} uJ: DRAM access ${pct(b.dramAccess)}, transfer ${pct(b.transfer)}, compute ${pct(b.compute)}, background ${pct(b.background)}`,
    `transfers       in ${(cost.transferBytesIn / 2 ** 20).toFixed(3)} MiB, out ${(cost.transferBytesOut / 2 ** 20).toFixed(3)} MiB`,
    `commands        ${Object.entries(cost.commands).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  ];
  out(lines.join("\n") + "\n");
}

export function runPower(o: { design?: string; reuse: string; budget?: string; json?: boolean }): void {
  const names = o.design === undefined ? [...POWER_STUDY_DESIGNS] : o.design.split(",").map((s) => s.trim());
  const designs = names.map(loadDesign);
  const reuses = parsePositiveIntList("--reuse", o.reuse, MAX_BATCH * MAX_TLP, 1024);
  const budgetWatts = o.budget === undefined ? undefined : parseNumber("--budget", o.budget, Number.MIN_VALUE, 1e4);
  const rows = designs.flatMap((d) =>
    reuses.map((r) => ({ ...pimStackPowerWatts(d, r, { budgetWatts }), energy: pimEnergyBreakdownAtReuse(d, r) })),
  );
  assertFiniteResult(rows, "the power table", [`--design ${names.join(",")}`, "--reuse"]);
  if (o.json) return printJson(rows);
  out(
    "design     reuse  model W  fits   FPU-peak W  fits   DRAM%  transfer%  compute%  pJ/MAC\n",
  );
  for (const r of rows) {
    const f = r.energy.fractions;
    out(
      `${r.design.padEnd(10)} ${String(r.reuse).padStart(5)}  ${r.watts.toFixed(1).padStart(7)}  ${(r.withinBudget ? "yes" : "NO").padEnd(5)}` +
        `  ${r.fpuPeakWatts.toFixed(1).padStart(10)}  ${(r.fpuPeakWithinBudget ? "yes" : "NO").padEnd(5)}` +
        `  ${(100 * f.dramAccess).toFixed(1).padStart(5)}  ${(100 * f.transfer).toFixed(1).padStart(9)}  ${(100 * f.compute).toFixed(1).padStart(8)}` +
        `  ${(r.energy.joulesPerMac.total * 1e12).toFixed(3).padStart(6)}\n`,
    );
  }
  out(`budget ${rows[0]?.budgetWatts ?? "-"} W per stack (ASSUMPTION, see docs/assumptions.md)\n`);
}

export function runArea(o: { json?: boolean }): void {
  const rows = [
    { design: "1P2B", fpusPerBank: 0.5 },
    { design: "1P1B", fpusPerBank: 1 },
    { design: "2P1B", fpusPerBank: 2 },
    { design: "4P1B", fpusPerBank: 4 },
  ].map((r) => {
    const maxBanks = maxBanksPerDie(r.fpusPerBank, PAPER_PIM_AREA);
    // a die has 128 banks in 4 bank groups of 32 (hbm3-5.2); bank groups are kept or dropped whole
    const banksPerBankGroup = pimBanksPerDie(PIM_DESIGNS.attacc) / PIM_DESIGNS.attacc.hbm.org.numBankGroups;
    const usable = Math.min(pimBanksPerDie(PIM_DESIGNS.attacc), Math.floor(maxBanks / banksPerBankGroup) * banksPerBankGroup);
    return { ...r, maxBanksPerDie: maxBanks, usableBanksPerDie: usable, area: PAPER_PIM_AREA };
  });
  if (o.json) return printJson(rows);
  const a = PAPER_PIM_AREA;
  out(`area rule m (n x ${a.fpuAreaMm2} + ${a.bankAreaMm2}) <= ${a.maxDieAreaMm2} mm2 per die\n`);
  for (const r of rows) {
    out(`${r.design}  max banks per die ${String(r.maxBanksPerDie).padStart(4)}  in whole bank groups ${String(r.usableBanksPerDie).padStart(4)}\n`);
  }
}

