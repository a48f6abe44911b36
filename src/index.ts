/**
 * papi's JavaScript API (Node.js): the CLI is a thin layer over these. Example:
 *
 *   import { run, presets } from "papi";
 *   const r = run({ system: "papi", model: "llama-65b", batch: 16, spec: 4, hardware: { fcPim: { numFpus: 2 } } });
 *   console.log(r.latencySec, r.energyJoules, Object.keys(presets.gpu));
 *
 * Configs are the same objects a YAML run config holds (`papi schema` prints their JSON Schema); relative model and
 * trace paths resolve from `baseDir` (default: the current folder).
 */
import { GPU_PRESETS } from "./hardware/gpu/presets.ts";
import { LINK_PRESETS } from "./hardware/links/presets.ts";
import { HBM_PRESETS } from "./hardware/pim/hbm-presets.ts";
import { PIM_DESIGNS } from "./hardware/pim/presets.ts";
import { MODEL_PRESETS, modelFromObject } from "./models/registry.ts";
import { nodeLoader } from "./node/loader.ts";
import { loadModel } from "./node/models.ts";
import { loadTrace as loadTraceFromFiles } from "./node/traces.ts";
import type { RunConfigInput } from "./serving/config.ts";
import { RunRecorder } from "./serving/recorder.ts";
import { runOnce, type RunResult } from "./serving/run.ts";
import { Timeline } from "./serving/timeline.ts";
import type { LoadTraceOptions, Trace } from "./serving/trace.ts";
import { buildSystem as buildSystemContext, type SystemContext } from "./systems/build.ts";
import { HardwareOverrides, type DeviceCounts, type ProfileChoice } from "./systems/resolve.ts";
import { SYSTEM_PRESETS } from "./systems/presets.ts";
import type { ModelConfig } from "./models/schema.ts";

export { PAPI_VERSION as version } from "./core/version.ts";
export { UserError } from "./core/errors.ts";
export { RunConfig, runConfigJsonSchema, type RunConfigInput } from "./serving/config.ts";
export { parseRunConfig, type RunResult, type ResolvedRunConfig } from "./serving/run.ts";
export { RunRecorder, type IterationRecord, type RequestRecord } from "./serving/recorder.ts";
export { Timeline } from "./serving/timeline.ts";
export { calibrateAlpha } from "./scheduling/calibrate.ts";
export { fcIterationCost, fcLayersCost, lmHeadCost } from "./systems/fc-cost.ts";
export { attentionIterationCost } from "./systems/attention-cost.ts";
export { iterationCost, phaseTimeSec, phaseEnergyJoules, type PhaseCost } from "./systems/iteration-cost.ts";
export { decodeBatch, prefillBatch, type Batch } from "./systems/batch.ts";
export { UNIT_KINDS, type Unit, type UnitKind } from "./units/index.ts";
export { PROFILES, resolveAssumptions } from "./systems/profiles.ts";
export type { Assumptions } from "./units/assumptions.ts";
export { pimFcCost, pimAttentionCost, pimStackPowerWatts } from "./hardware/pim/cost.ts";
export { gpuGemmCost, gpuAttentionCost } from "./hardware/gpu/cost.ts";
export type { SystemContext } from "./systems/build.ts";
export type { SystemSpec, SystemDescription } from "./systems/schema.ts";
export type { GpuSpec } from "./hardware/gpu/schema.ts";
export type { PimDesign } from "./hardware/pim/schema.ts";
export type { HbmSpec } from "./hardware/pim/hbm.ts";
export type { LinkSpec } from "./hardware/links/schema.ts";
export type { ModelConfig } from "./models/schema.ts";
export type { Trace, RequestSpec, LoadTraceOptions } from "./serving/trace.ts";

/** Every preset by kind (each value is a valid config block). */
export const presets = {
  gpu: GPU_PRESETS,
  hbm: HBM_PRESETS,
  pim: PIM_DESIGNS,
  link: LINK_PRESETS,
  system: SYSTEM_PRESETS,
  model: MODEL_PRESETS,
} as const;

export interface RunApiOptions {
  /** folder that relative model/trace paths resolve from (default: the cwd) */
  baseDir?: string;
  /** collect a Chrome trace-event timeline (read it from the returned `timeline`) */
  timeline?: boolean;
  /** collect per-iteration and per-request records */
  records?: boolean;
}

/** Runs one configuration end to end (the `papi run` of the API). */
export function run(config: RunConfigInput, opts: RunApiOptions = {}): RunResult & { timeline?: Timeline; records?: RunRecorder } {
  const timeline = opts.timeline ? new Timeline() : undefined;
  const records = opts.records ? new RunRecorder() : undefined;
  const r = runOnce(config, { loader: nodeLoader(opts.baseDir), timeline, recorder: records });
  return Object.assign(r, timeline ? { timeline } : {}, records ? { records } : {});
}

/** A system (preset name, { preset, ... }, or description) resolved against a model (preset, path or HF object). */
export function buildSystem(system: unknown, model: string | ModelConfig | Record<string, unknown>, hardware: HardwareOverrides = {}, counts: DeviceCounts = {}, choice: ProfileChoice = {}): SystemContext {
  const m = typeof model === "string" ? loadModel(model) : modelFromObject(model, "model");
  return buildSystemContext(system, m, HardwareOverrides.parse(hardware), counts, choice);
}

/** A trace: built-in name, synthetic spec (fixed:LIN:LOUT, ...), or a CSV file. */
export function loadTrace(spec: string, opts: LoadTraceOptions & { baseDir?: string } = {}): Trace {
  const { baseDir, ...o } = opts;
  return loadTraceFromFiles(spec, o, baseDir);
}
