import { stringify as toYaml } from "yaml";
import { enumFieldsOf } from "../core/blocks.ts";
import { parseDataText } from "../core/data-text.ts";
import { UserError } from "../core/errors.ts";
import { isPlainObject } from "../core/merge.ts";
import { GPU_PRESETS } from "../hardware/gpu/presets.ts";
import { LINK_PRESETS } from "../hardware/links/presets.ts";
import { pimStackPowerWatts } from "../hardware/pim/power.ts";
import { PIM_DESIGNS, PimDesignBlock } from "../hardware/pim/presets.ts";
import { maxBanksPerDie, pimBanksPerDie, pimFpusPerBank, type PimDesign } from "../hardware/pim/schema.ts";
import { MODEL_PRESETS, modelFromObject } from "../models/registry.ts";
import { systemLabel } from "../report/labels.ts";
import { SCHEDULER_NAMES } from "../scheduling/policy.ts";
import { MAX_BATCH, MAX_TLP, RunConfig } from "../serving/config.ts";
import { withDesignUnderStudy } from "../serving/design-diff.ts";
import { BATCHING_NAMES } from "../serving/batching/index.ts";
import { RunRecorder } from "../serving/recorder.ts";
import { parseRunConfig, runOnce, type InputLoader, type RunResult } from "../serving/run.ts";
import { BUILT_IN_TRACES, loadTrace, parseTraceText } from "../serving/trace.ts";
import { SYSTEM_PRESETS } from "../systems/presets.ts";
import { resolveSystem } from "../systems/resolve.ts";
import { roleDevices } from "../systems/devices.ts";
import { PROFILE_NAMES } from "../systems/profiles.ts";
import { MAX_GPUS, MAX_STACKS, type SystemSpec } from "../systems/schema.ts";
import type { Description, FromWorker, PimCheck, SystemRow } from "./protocol.ts";

/**
 * What the explorer's worker computes, as plain functions (the worker only passes messages; Node tests call these
 * directly). Every input goes through the CLI's schemas and loaders, so the page shows what `papi run` prints.
 */

export function describe(): Description {
  return {
    defaults: RunConfig.parse({}) as unknown as Record<string, unknown>,
    systems: Object.values(SYSTEM_PRESETS).map((s) => ({ name: s.name, description: s.description })),
    models: Object.keys(MODEL_PRESETS),
    traces: Object.entries(BUILT_IN_TRACES).map(([name, t]) => ({ name, description: t.description })),
    gpus: Object.keys(GPU_PRESETS),
    pimDesigns: Object.keys(PIM_DESIGNS),
    links: Object.values(LINK_PRESETS).map((l) => ({ name: l.name, bandwidthBytesPerSec: l.bandwidthBytesPerSec })),
    schedulers: [...SCHEDULER_NAMES],
    batchings: [...BATCHING_NAMES],
    profiles: [...PROFILE_NAMES],
    pimEnumFields: enumFieldsOf(PimDesignBlock.shape),
    limits: { maxBatch: MAX_BATCH, maxTlp: MAX_TLP, maxStacks: MAX_STACKS, maxGpus: MAX_GPUS },
    presetSpecs: Object.fromEntries(Object.keys(SYSTEM_PRESETS).map((name) => [name, resolveSystem(name)])),
  };
}

/** Reuse levels (tokens per weight read) of the power check: the paper's power study spans 1 to 128. */
export const POWER_CHECK_REUSES = [1, 2, 4, 8, 16, 32, 64, 128] as const;

/** The paper's area rule and power study for one design: m (n A_FPU + A_bank) <= A_max; power vs reuse vs budget. */
export function pimCheck(role: PimCheck["role"], d: PimDesign): PimCheck {
  const n = pimFpusPerBank(d);
  const m = pimBanksPerDie(d);
  return {
    role,
    design: d.name,
    label: `${d.numFpus}P${d.numBanksPerFpuGroup}B`,
    fpusPerBank: n,
    banksPerDie: m,
    maxBanksPerDie: maxBanksPerDie(d),
    dieAreaMm2: m * (n * d.area.fpuAreaMm2 + d.area.bankAreaMm2),
    maxDieAreaMm2: d.area.maxDieAreaMm2,
    budgetWatts: d.powerBudgetWattsPerStack,
    power: POWER_CHECK_REUSES.map((reuse) => {
      const p = pimStackPowerWatts(d, reuse);
      return { reuse, watts: p.watts, fpuPeakWatts: p.fpuPeakWatts, withinBudget: p.withinBudget, fpuPeakWithinBudget: p.fpuPeakWithinBudget };
    }),
  };
}

export function pimChecks(spec: SystemSpec): PimCheck[] {
  const out: PimCheck[] = [];
  const d = roleDevices(spec);
  if (d.fcPim) out.push(pimCheck("FC-PIM", d.fcPim));
  if (d.attnPim) out.push(pimCheck("Attn-PIM", d.attnPim));
  return out;
}

export type RunView = Omit<Extract<FromWorker, { kind: "run" }>, "kind" | "id">;

/** One run of the page's config, with its per-iteration and per-request records and the PIM checks. */
export function simulateRun(raw: Record<string, unknown>, loader: InputLoader): RunView {
  const t0 = performance.now();
  const config = parseRunConfig(raw, "config");
  const recorder = new RunRecorder();
  const result = withDesignUnderStudy(runOnce(config, { loader, recorder }), config.system);
  const runMs = performance.now() - t0;
  return {
    result,
    iterations: recorder.iterations,
    requests: recorder.requests,
    pim: pimChecks(result.config.system),
    // Stryker disable next-line ConditionalExpression: yaml's stringify({}) is "{}\n" as well (the branch states the empty config's text)
    configYaml: Object.keys(raw).length === 0 ? "{}\n" : toYaml(raw),
    runMs,
  };
}

/** Workload fields of a run config: what the Fig. 8 column keeps while it swaps the system. */
/** Fields every system of the comparison takes from the page: the workload, and the assumptions (profile) of all runs. */
const WORKLOAD_FIELDS = ["model", "trace", "requests", "ratePerSec", "batching", "batch", "spec", "acceptanceRate", "draft", "seed", "profile", "assumptions"] as const;

/** True when the page's system is not exactly a preset (overrides, counts, a scheduler or alpha of its own). */
export function isCustomSystem(raw: Record<string, unknown>): boolean {
  const hw = raw.hardware;
  return (
    (raw.system !== undefined && typeof raw.system !== "string") ||
    (isPlainObject(hw) && Object.keys(hw).length > 0) ||
    ["gpus", "fcStacks", "attnStacks", "scheduler", "alpha"].some((k) => raw[k] !== undefined)
  );
}

const failedRow = (system: string, label: string): SystemRow => ({
  system, label, latencySec: NaN, energyJoules: NaN, tokensPerSec: NaN, tokensPerJoule: NaN, speedupVsA100Attacc: NaN, energyEfficiencyVsA100Attacc: NaN, fcOnGpuShare: NaN,
});

/**
 * The page's workload point on each of the six preset systems (default scheduler, calibrated alpha), as in a
 * column of the paper's Fig. 8, normalized to A100+AttAcc; plus the page's own system when it is customized.
 * `between` runs after each system (the worker yields there so a newer request can cancel the rest); `computeMs` is
 * the time spent computing (the trace and the six runs), without those pauses.
 */
export async function simulateSystems(
  raw: Record<string, unknown>,
  loader: InputLoader,
  own?: RunResult,
  between: () => Promise<boolean> = async () => true,
  cache?: SystemRunsCache,
): Promise<{ rows: SystemRow[]; errors: string[]; computeMs: number } | undefined> {
  let t0 = performance.now();
  let computeMs = 0;
  const config = parseRunConfig(raw, "config");
  const workload: Record<string, unknown> = {};
  // Stryker disable next-line ConditionalExpression: an undefined field is absent both from the key's JSON and from the parsed run config
  for (const k of WORKLOAD_FIELDS) if (config[k] !== undefined) workload[k] = config[k];
  const workloadKey = JSON.stringify(workload);
  const keyOf = (name: string) => JSON.stringify([workloadKey, name]);
  // the trace is read (and a bad one fails the column) unless every run is in the cache
  const requests = cache !== undefined && Object.keys(SYSTEM_PRESETS).every((name) => cache.has(keyOf(name)))
    ? []
    : loadTrace(config.trace, { numRequests: config.requests, seed: config.seed, ratePerSec: config.ratePerSec }, loader.traceSource).requests;
  const results: [string, string, RunResult | undefined][] = [];
  const errors: string[] = [];
  for (const name of Object.keys(SYSTEM_PRESETS)) {
    try {
      let r = cache?.get(keyOf(name));
      if (r === undefined) {
        r = runOnce({ ...workload, system: name }, { loader, requests });
        cache?.set(keyOf(name), r);
      }
      results.push([name, systemLabel(name), r]);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      results.push([name, systemLabel(name), undefined]);
      errors.push(`${systemLabel(name)}: ${e.message}`);
    }
    computeMs += performance.now() - t0;
    if (!(await between())) return undefined;
    t0 = performance.now();
  }
  if (own && isCustomSystem(raw)) results.push(["yours", `yours (${systemLabel(own.system)})`, own]);
  // Stryker disable next-line OptionalChaining: every preset has an entry in results (a failed one too), a100-attacc included
  const ref = results.find(([n]) => n === "a100-attacc")?.[2];
  const rows = results.map(([system, label, r]) =>
    r === undefined
      ? failedRow(system, label)
      : {
          system, label,
          latencySec: r.latencySec, energyJoules: r.energyJoules, tokensPerSec: r.tokensPerSec, tokensPerJoule: r.tokensPerJoule,
          speedupVsA100Attacc: ref ? ref.latencySec / r.latencySec : NaN,
          energyEfficiencyVsA100Attacc: ref ? ref.energyJoules / r.energyJoules : NaN,
          fcOnGpuShare: r.iterations > 0 ? r.fcOnGpuIterations / r.iterations : 0,
        },
  );
  return { rows, errors, computeMs: computeMs + performance.now() - t0 };
}

/**
 * Runs of the preset systems by their workload (the Fig. 8 column): a change that touches only the page's own
 * system (hardware knobs, counts, scheduler, alpha) or a view switched back and forth reruns nothing. A run is a pure
 * function of its config and the trace files, so the cache holds for one set of uploaded traces (`forTraces` clears
 * it when they change) and keeps the newest `max` runs.
 */
export class SystemRunsCache {
  private readonly runs = new Map<string, RunResult>();
  private traces: Record<string, string> = {};
  constructor(readonly max = 60) {}
  forTraces(traces: Record<string, string>): this {
    const same = Object.keys(traces).length === Object.keys(this.traces).length && Object.entries(traces).every(([k, v]) => this.traces[k] === v);
    if (!same) this.runs.clear();
    this.traces = traces;
    return this;
  }
  has(key: string): boolean {
    return this.runs.has(key);
  }
  get(key: string): RunResult | undefined {
    const r = this.runs.get(key);
    if (r !== undefined) {
      // newest last
      this.runs.delete(key);
      this.runs.set(key, r);
    }
    return r;
  }
  set(key: string, r: RunResult): void {
    this.runs.set(key, r);
    if (this.runs.size > this.max) this.runs.delete(this.runs.keys().next().value!);
  }
  get size(): number {
    return this.runs.size;
  }
}

/** A pasted or uploaded run config (YAML or JSON, by file name), checked with the run config schema. */
export function parseConfigUpload(text: string, fileName: string): Record<string, unknown> {
  const raw = parseDataText(text, fileName);
  // Stryker disable next-line ConditionalExpression: the JSON and YAML readers give null, never undefined, for an empty file; kept as a guard
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) throw new UserError(`${fileName}: expected a mapping of config fields at the top level`);
  parseRunConfig(raw, fileName);
  return raw;
}

/**
 * An uploaded Hugging Face config.json, checked as `papi run --model FILE` checks it; returns the object the
 * run config's `model` field takes (with its name fixed, as the CLI derives it from the file).
 */
export function parseModelUpload(text: string, fileName: string): { model: Record<string, unknown>; name: string } {
  const raw = parseDataText(text, fileName);
  const stem = fileName.replace(/\.(json|ya?ml)$/i, "");
  const m = modelFromObject(raw, fileName, stem);
  return { model: { ...(raw as Record<string, unknown>), name: m.name }, name: m.name };
}

/** An uploaded trace CSV, checked with the CLI's reader; returns its request count. */
export function parseTraceUpload(text: string, fileName: string): number {
  const rows = parseTraceText(text, fileName);
  if (rows.length === 0) throw new UserError(`${fileName}: trace has no requests`);
  return rows.length;
}
