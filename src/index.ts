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
import { parseBlock } from "./core/blocks.ts";
import { UserError } from "./core/errors.ts";
import * as gpuCost from "./hardware/gpu/cost.ts";
import { GPU_PRESETS, GpuBlock } from "./hardware/gpu/presets.ts";
import type { GpuSpec } from "./hardware/gpu/schema.ts";
import * as pimCost from "./hardware/pim/cost.ts";
import { parsePimDesign } from "./hardware/pim/presets.ts";
import type { PimDesign } from "./hardware/pim/schema.ts";
import * as fcCost from "./systems/fc-cost.ts";
import * as attentionCost from "./systems/attention-cost.ts";
import * as iterCost from "./systems/iteration-cost.ts";
import { LINK_PRESETS } from "./hardware/links/presets.ts";
import { HBM_PRESETS } from "./hardware/pim/hbm-presets.ts";
import { PIM_DESIGNS } from "./hardware/pim/presets.ts";
import { MODEL_PRESETS, modelFromObject } from "./models/registry.ts";
import { nodeLoader } from "./node/loader.ts";
import { loadModel } from "./node/models.ts";
import { loadTrace as loadTraceFromFiles } from "./node/traces.ts";
import type { RunConfigInput } from "./serving/config.ts";
import { RunRecorder } from "./serving/recorder.ts";
import { runOnce } from "./serving/run.ts";
import { withDesignUnderStudy, type RunResultWithDesign } from "./serving/design-diff.ts";
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
export { designUnderStudy, type DesignUnderStudy, type DesignChange, type RunResultWithDesign } from "./serving/design-diff.ts";
export { RunRecorder, type IterationRecord, type RequestRecord } from "./serving/recorder.ts";
export { Timeline } from "./serving/timeline.ts";
export { calibrateAlpha } from "./scheduling/calibrate.ts";
export { UNIT_KINDS, type Unit, type UnitKind } from "./units/index.ts";
export { PROFILES, resolveAssumptions } from "./systems/profiles.ts";
export type { Assumptions } from "./units/assumptions.ts";
export { decodeBatch, prefillBatch, type Batch } from "./systems/batch.ts";
export { phaseTimeSec, phaseEnergyJoules, type PhaseCost } from "./systems/iteration-cost.ts";
export { resolveGpu } from "./hardware/gpu/presets.ts";
export { resolveHbm } from "./hardware/pim/hbm-presets.ts";
export { resolveLink } from "./hardware/links/presets.ts";
export { parsePimDesign, resolvePimDesign } from "./hardware/pim/presets.ts";
export { parseModelConfig } from "./models/registry.ts";
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
export function run(config: RunConfigInput, opts: RunApiOptions = {}): RunResultWithDesign & { timeline?: Timeline; records?: RunRecorder } {
  const timeline = opts.timeline ? new Timeline() : undefined;
  const records = opts.records ? new RunRecorder() : undefined;
  const r = withDesignUnderStudy(runOnce(config, { loader: nodeLoader(opts.baseDir), timeline, recorder: records }), config.system);
  return Object.assign(r, timeline ? { timeline } : {}, records ? { records } : {});
}

/** Contexts buildSystem returned: the system-level cost functions take only these (they were checked when built). */
const builtContexts = new WeakSet<SystemContext>();

/** A system (preset name, { preset, ... }, or description) resolved against a model (preset, path or HF object). */
export function buildSystem(system: unknown, model: string | ModelConfig | Record<string, unknown>, hardware: HardwareOverrides = {}, counts: DeviceCounts = {}, choice: ProfileChoice = {}): SystemContext {
  const m = typeof model === "string" ? loadModel(model) : modelFromObject(model, "model");
  const ctx = buildSystemContext(system, m, HardwareOverrides.parse(hardware), counts, choice);
  builtContexts.add(ctx);
  return ctx;
}

// ---- kernel and iteration costs: the entry points check what they did not get from the schema ------------------
// A device that came from the schema (a preset, resolveGpu / resolvePimDesign / parsePimDesign, a context from
// buildSystem) is used as is; a plain object is parsed once (ranges, area rule, capacity), so an invalid design is a
// one-line UserError, never a NaN or a time for a design that cannot exist.

/** A GPU for a cost function called from outside the config path: parsed unless it came from the schema. */
export function parseGpu(value: unknown, path = "gpu"): GpuSpec {
  return parseBlock(GpuBlock, value, path);
}

type PimDesignArg = PimDesign | Record<string, unknown> | string;
type GpuArg = GpuSpec | Record<string, unknown> | string;

/** FC kernel y[m x n] = x[m x k] W[k x n] on PIM stacks (src/hardware/pim/fc-cost.ts); `mapping` defaults to the design's. */
export function pimFcCost(design: PimDesignArg, fc: pimCost.PimFcShape, mapping?: pimCost.PimFcMappingName): pimCost.PimFcCost {
  const d = parsePimDesign(design);
  return pimCost.pimFcCost(d, fc, mapping ?? d.fcMapping);
}

/** Decode attention on PIM stacks (src/hardware/pim/attention-cost.ts). */
export function pimAttentionCost(design: PimDesignArg, a: pimCost.PimAttentionShape): pimCost.PimKernelCost {
  return pimCost.pimAttentionCost(parsePimDesign(design), a);
}

/** Per-stack power of a design at a reuse level against its budget (src/hardware/pim/power.ts). */
export function pimStackPowerWatts(design: PimDesignArg, reuse: number, opts?: Parameters<typeof pimCost.pimStackPowerWatts>[2]): pimCost.PimPowerReport {
  return pimCost.pimStackPowerWatts(parsePimDesign(design), reuse, opts);
}

/** One GEMM on one GPU (src/hardware/gpu/cost.ts). */
export function gpuGemmCost(gpu: GpuArg, g: Parameters<typeof gpuCost.gpuGemmCost>[1], launch?: gpuCost.GpuLaunchMode): gpuCost.GpuKernelCost {
  return gpuCost.gpuGemmCost(parseGpu(gpu), g, launch);
}

/** Decode attention on one GPU (src/hardware/gpu/cost.ts). */
export function gpuAttentionCost(gpu: GpuArg, a: Parameters<typeof gpuCost.gpuAttentionCost>[1], launch?: gpuCost.GpuLaunchMode): gpuCost.GpuKernelCost {
  return gpuCost.gpuAttentionCost(parseGpu(gpu), a, launch);
}

function builtContext(ctx: SystemContext): SystemContext {
  if (!builtContexts.has(ctx)) throw new UserError("ctx: pass a system context returned by buildSystem() (contexts are checked when built; edit the system or hardware you give it instead)");
  return ctx;
}

type Rest<F> = F extends (ctx: SystemContext, ...rest: infer R) => unknown ? R : never;

/** Every FC kernel of one decode iteration on a unit (by its name: "gpu", "fc-pim") for a number of tokens (src/systems/fc-cost.ts). */
export function fcIterationCost(ctx: SystemContext, ...rest: Rest<typeof fcCost.fcIterationCost>): ReturnType<typeof fcCost.fcIterationCost> {
  return fcCost.fcIterationCost(builtContext(ctx), ...rest);
}

/** Attention of one iteration's batch and its transfers (src/systems/attention-cost.ts). */
export function attentionIterationCost(ctx: SystemContext, ...rest: Rest<typeof attentionCost.attentionIterationCost>): ReturnType<typeof attentionCost.attentionIterationCost> {
  return attentionCost.attentionIterationCost(builtContext(ctx), ...rest);
}

/** One whole iteration: FC on the given unit, attention, communication, the rest (src/systems/iteration-cost.ts). */
export function iterationCost(ctx: SystemContext, ...rest: Rest<typeof iterCost.iterationCost>): ReturnType<typeof iterCost.iterationCost> {
  return iterCost.iterationCost(builtContext(ctx), ...rest);
}

/** A trace: built-in name, synthetic spec (fixed:LIN:LOUT, ...), or a CSV file. */
export function loadTrace(spec: string, opts: LoadTraceOptions & { baseDir?: string } = {}): Trace {
  const { baseDir, ...o } = opts;
  return loadTraceFromFiles(spec, o, baseDir);
}
