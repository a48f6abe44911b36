import { formatIssues } from "../core/blocks.ts";
import { UserError } from "../core/errors.ts";
import { assertFiniteResult, leafPaths } from "../core/finite.ts";
import { fnv1a64Hex, stableJsonParts, stableJsonWith } from "../core/hash.ts";
import { PAPI_VERSION } from "../core/version.ts";
import { resolveModel } from "../models/registry.ts";
import type { ModelConfig } from "../models/schema.ts";
import { makePolicy, defaultScheduler } from "../scheduling/registry.ts";
import { buildContext, type SystemContext } from "../systems/build.ts";
import { resolveSystem, type DeviceCounts } from "../systems/resolve.ts";
import { resolveAssumptions } from "../systems/profiles.ts";
import type { SystemSpec } from "../systems/schema.ts";
import { RunConfig, type RunConfigInput } from "./config.ts";
import { percentiles, type Percentiles } from "./metrics.ts";
import type { RunRecorder } from "./recorder.ts";
import { serve, type ServeConfig } from "./simulator.ts";
import { BATCHING } from "./batching/index.ts";
import { SERVING_DEFAULTS, type ServingConfig } from "./serving-config.ts";
import { sloResult, type SloResult } from "./slo.ts";
import type { ReplicaStats } from "./metrics.ts";
import type { FcPolicy } from "../scheduling/policy.ts";
import { resolveLink } from "../hardware/links/presets.ts";
import { idlePowerByUnit } from "../systems/static-power.ts";
import type { SpeculationPolicy } from "./speculative.ts";
import type { Timeline } from "./timeline.ts";
import { isBuiltInTrace, loadTrace, unknownTraceError, type RequestSpec, type TraceRowSource } from "./trace.ts";

export interface Breakdown { fc: number; attention: number; communication: number; other: number; draft: number }
/** Decode time by kernel class, the draft model's, and the time hidden by overlap (subtracted: decodeSec = sum - overlap). */
export interface TimeBreakdown extends Breakdown { overlap: number }
/** Energy split: dynamic energy of decoding by kernel class, prefill, and static energy (GPUs + PIM stacks) over the run. */
export interface EnergyBreakdown extends Breakdown { prefill: number; static: number }
/** Energy of one device group (a unit, or every link) over the run, by kind, joules. */
export interface DeviceEnergy { compute: number; dram: number; transfer: number; static: number; refresh: number; total: number; busySec: number }

/** A run config with every preset resolved: the system as full specs and the model as its config. */
export type ResolvedRunConfig = Omit<RunConfig, "system" | "model" | "hardware" | "gpus" | "fcStacks" | "attnStacks"> & {
  system: SystemSpec;
  model: ModelConfig;
};

/** What one run reports (`papi run --json`). Times in seconds, energy in joules. */
export interface RunResult {
  papiVersion: string;
  /** hash of `config` (stable JSON): equal configs give equal hashes */
  configHash: string;
  system: string;
  model: string;
  trace: string;
  scheduler: string;
  alpha: number | null;
  batching: string;
  batch: number;
  spec: RunConfig["spec"];
  acceptanceRate: number | null;
  seed: number;
  numRequests: number;
  latencySec: number;
  energyJoules: number;
  generatedTokens: number;
  tokensPerSec: number;
  tokensPerJoule: number;
  breakdownSec: TimeBreakdown;
  breakdownJoules: EnergyBreakdown;
  /**
   * Energy by device group: every unit by its name in the system (e.g. gpu, fc-pim, attn-pim), "links" (every fabric)
   * and "draft" (the draft model), by kind; the totals sum to energyJoules.
   */
  energyByDevice: Record<string, DeviceEnergy>;
  /** energyJoules by kind, summed over every device group: compute, DRAM, transfer (on-device and links), static, refresh */
  energyByKind: { compute: number; dram: number; transfer: number; static: number; refresh: number };
  /** breakdownJoules.static by source: the GPUs' static power, the PIM stacks' background + refresh power. */
  staticJoulesBySource: { gpu: number; pim: number };
  perTokenSec: Breakdown;
  prefillSec: number;
  prefillJoules: number;
  /** Part of the latency spent moving bytes over the attention links (prefill KV shipping and decode Q/K/V/out). */
  attentionLinkBandwidthSec: number;
  idleSec: number;
  decodeSec: number;
  iterations: number;
  fcOnGpuIterations: number;
  fcOnPimIterations: number;
  /**
   * Decode iterations by the unit that ran FC (roles.fc's names): fcOnGpuIterations under the processor units
   * (GPUs, NPUs), fcOnPimIterations under the units that compute in memory; units of the same sort share one key
   * ("a+b").
   */
  fcIterationsByUnit: Record<string, number>;
  fcSwitches: number;
  decodeStepSecMean: number;
  kvLimitedAdmissions: number;
  ttftSec: Percentiles;
  tpotSec: Percentiles;
  /** finished requests per second of the run */
  requestsPerSec: number;
  /** requests preempted when KV blocks ran out (paged policies), by recomputation or swap */
  preemptions: number;
  serving: ServingStats;
  /** SLO attainment and goodput; null when the config sets no `slo` */
  slo: SloResult | null;
  /** every value the run used, after presets and overrides (a valid run config) */
  config: ResolvedRunConfig;
}

/** What the serving loop did beyond the kernels: preemptions, swaps, KV hand-offs, utilization, per replica. */
export interface ServingStats {
  preemptionsRecompute: number;
  preemptionsSwap: number;
  /** prompt + generated tokens prefilled again after preemptions by recomputation */
  recomputedTokens: number;
  swapBytes: number;
  swapSec: number;
  /** disaggregation: KV caches handed from the prefill to the decode pool */
  kvTransfers: number;
  kvTransferBytes: number;
  /** summed over hand-offs (they overlap other work; queueing on a link is not counted) */
  kvTransferSec: number;
  kvTransferJoules: number;
  /** busy share of each pool (busy seconds over replicas x latency): decode = the pool that decodes (or serves) */
  utilization: { decode: number; prefill: number | null };
  replicas: (Omit<ReplicaStats, "lastFcUnit"> & { utilization: number })[];
}

/**
 * Where a run's named inputs come from. The pure core knows model and system presets and synthetic traces; the
 * edges add files (src/node: built-in trace files, CSV and config.json paths) or a browser bundle and uploads.
 */
export interface InputLoader {
  traceSource: TraceRowSource;
  model(ref: string): ModelConfig;
}

/** A loader with presets only (no files): built-in traces are not available through it. */
export const PRESETS_ONLY: InputLoader = {
  traceSource: (spec) => {
    if (isBuiltInTrace(spec)) throw new UserError(`trace "${spec}": this caller has no trace data; pass the requests`);
    throw unknownTraceError(spec);
  },
  model: (ref) => resolveModel(ref),
};

/** Parses a run config; one-line UserError naming the field (and, for unknown keys, the nearest valid key). */
export function parseRunConfig(input: unknown, label = "config"): RunConfig {
  const r = RunConfig.safeParse(input, { reportInput: true });
  if (!r.success) throw new UserError(formatIssues(r.error.issues, "", RunConfig, label));
  const entry = BATCHING.entries[r.data.batching];
  for (const k of Object.keys(r.data.serving) as (keyof ServingConfig)[]) {
    if (r.data.serving[k] !== undefined && !entry.fields.includes(k)) {
      throw new UserError(`${label}: serving.${k}: batching ${r.data.batching} does not use it (it reads ${entry.fields.map((f) => `serving.${f}`).join(", ")})`);
    }
  }
  return r.data;
}

/** The model a run config names (preset, inline object, or a file through the loader). */
export function modelOf(cfg: RunConfig, loader: InputLoader = PRESETS_ONLY): ModelConfig {
  return typeof cfg.model === "string" ? loader.model(cfg.model) : resolveModel(cfg.model);
}

/** The system a run config describes, with its counts and hardware overrides, every device resolved. */
export function systemSpecOf(cfg: RunConfig): SystemSpec {
  const counts: DeviceCounts = {};
  if (cfg.gpus !== undefined) counts.numGpus = cfg.gpus;
  if (cfg.fcStacks !== undefined) counts.numFcStacks = cfg.fcStacks;
  if (cfg.attnStacks !== undefined) counts.numAttnStacks = cfg.attnStacks;
  return resolveSystem(cfg.system, cfg.hardware, counts, { profile: cfg.profile, assumptions: cfg.assumptions });
}

const contexts = new Map<string, SystemContext>();

/**
 * Resolves the system of a run config against its model. Contexts are cached per process by their inputs, so a
 * sweep shares the memoized kernel costs.
 */
export function systemOf(cfg: RunConfig, loader: InputLoader = PRESETS_ONLY): SystemContext {
  const model = modelOf(cfg, loader);
  const key = JSON.stringify([cfg.system, cfg.hardware, cfg.gpus, cfg.fcStacks, cfg.attnStacks, cfg.profile, cfg.assumptions, model]);
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = buildContext(systemSpecOf(cfg), model, resolveAssumptions(cfg.profile, cfg.assumptions));
    if (contexts.size > 256) contexts.clear();
    contexts.set(key, ctx);
  }
  return ctx;
}

export interface RunOptions {
  /** named inputs (files); default: presets only */
  loader?: InputLoader;
  timeline?: Timeline;
  recorder?: RunRecorder;
  /** the requests, when the caller already has them (shared across a sweep) */
  requests?: readonly RequestSpec[];
  ctx?: SystemContext;
}

export const speculationPolicyOf = (spec: RunConfig["spec"]): SpeculationPolicy =>
  Array.isArray(spec) ? { kind: "cycle", tlps: spec } : typeof spec === "number" ? { kind: "fixed", tlp: spec } : { kind: "adaptive", ...spec };

/** The resolved config of a run: every preset replaced by its values (a valid run config again). */
export function resolvedConfigOf(cfg: RunConfig, ctx: SystemContext): ResolvedRunConfig {
  const { system: _s, model: _m, hardware: _h, gpus: _g, fcStacks: _f, attnStacks: _a, ...rest } = cfg;
  return { system: ctx.spec, model: ctx.model, ...rest, assumptions: ctx.assumptions };
}

/** fcIterationsByUnit of a run: the processor units' count and the in-memory units' count, under their names. */
export function fcIterationsByUnit(ctx: SystemContext, onProcessor: number, inMemory: number): Record<string, number> {
  const names = (processor: boolean) => ctx.fc.filter((f) => f.unit.isProcessor === processor).map((f) => f.unit.name).join("+");
  const out: Record<string, number> = {};
  for (const [processor, n] of [[true, onProcessor], [false, inMemory]] as const) {
    const key = names(processor);
    if (key !== "") out[key] = n;
  }
  return out;
}

/** Runs one configuration end to end. */
export function runOnce(input: RunConfigInput | RunConfig, opts: RunOptions = {}): RunResult {
  const cfg = parseRunConfig(input);
  const loader = opts.loader ?? PRESETS_ONLY;
  const ctx = opts.ctx ?? systemOf(cfg, loader);
  const schedulerName = cfg.scheduler ?? defaultScheduler(ctx);
  const policy = makePolicy(schedulerName, ctx, cfg.alpha);
  const requests = opts.requests ?? loadTrace(cfg.trace, { numRequests: cfg.requests, seed: cfg.seed, ratePerSec: cfg.ratePerSec }, loader.traceSource).requests;
  const m = serve(ctx, policy, requests, serveConfigOf(cfg, loader), opts.timeline, opts.recorder);
  const latencySec = m.endSec - m.startSec;
  const breakdownSec = { fc: m.fcSec, attention: m.attentionSec, communication: m.communicationSec, other: m.otherSec, draft: m.draftSec, overlap: m.overlapSec };
  const decodeSec = m.fcSec + m.attentionSec + m.communicationSec + m.otherSec + m.draftSec - m.overlapSec;
  const per = (x: number) => (m.generatedTokens > 0 ? x / m.generatedTokens : 0);
  const config = resolvedConfigOf(cfg, ctx);
  const byDevice = energyByDevice(m, latencySec);
  const result: RunResult = {
    papiVersion: PAPI_VERSION,
    configHash: configHashOf(config, ctx),
    system: ctx.spec.name,
    model: ctx.model.name,
    trace: cfg.trace,
    scheduler: policy.name,
    alpha: Number.isNaN(policy.alpha) ? null : policy.alpha,
    batching: cfg.batching,
    batch: cfg.batch,
    spec: cfg.spec,
    acceptanceRate: cfg.acceptanceRate ?? null,
    seed: cfg.seed,
    numRequests: requests.length,
    latencySec,
    energyJoules: m.energyJoules,
    generatedTokens: m.generatedTokens,
    tokensPerSec: latencySec > 0 ? m.generatedTokens / latencySec : 0,
    tokensPerJoule: m.energyJoules > 0 ? m.generatedTokens / m.energyJoules : 0,
    breakdownSec,
    breakdownJoules: { fc: m.fcJoules, attention: m.attentionJoules, communication: m.communicationJoules, other: m.otherJoules, draft: m.draftJoules, prefill: m.prefillJoules, static: m.staticJoules },
    energyByDevice: byDevice,
    energyByKind: byKind(byDevice),
    staticJoulesBySource: m.staticJoulesBySource,
    perTokenSec: { fc: per(m.fcSec), attention: per(m.attentionSec), communication: per(m.communicationSec), other: per(m.otherSec), draft: per(m.draftSec) },
    prefillSec: m.prefillSec,
    prefillJoules: m.prefillJoules,
    attentionLinkBandwidthSec: m.attentionLinkBwSec,
    idleSec: m.idleSec,
    decodeSec,
    iterations: m.iterations,
    fcOnGpuIterations: m.fcOnGpuIterations,
    fcOnPimIterations: m.fcOnPimIterations,
    fcIterationsByUnit: fcIterationsByUnit(ctx, m.fcOnGpuIterations, m.fcOnPimIterations),
    fcSwitches: m.fcSwitches,
    decodeStepSecMean: m.iterations > 0 ? decodeSec / m.iterations : 0,
    kvLimitedAdmissions: m.kvLimitedAdmissions,
    ttftSec: percentiles(m.ttftSec.view()),
    tpotSec: percentiles(m.tpotSec.view()),
    requestsPerSec: latencySec > 0 ? m.completionOrder.length / latencySec : 0,
    preemptions: m.preemptionsRecompute + m.preemptionsSwap,
    serving: servingStats(m, latencySec),
    slo: sloResult(cfg.slo, m.ttftSec.view(), m.requestTpotSec.view(), latencySec),
    config,
  };
  assertFiniteResult(result, "the run", suspectInputs(cfg), [], finiteParts);
  // the system's parts were walked and found finite with the result: later runs of the system skip them
  finiteParts.add(ctx.spec).add(ctx.model).add(ctx.assumptions);
  return result;
}

/** parts of a resolved config (a system's spec, model, assumptions) already found finite; they are never changed */
const finiteParts = new WeakSet<object>();
/** per system, the stable JSON of its config parts (the bulk of a resolved config), written once */
const configParts = new WeakMap<SystemContext, Map<object, string>>();
/** config hashes by their stable JSON (a sweep or a benchmark hashes the same config again and again) */
const configHashes = new Map<string, string>();

/** hashOf(config), with the system's parts serialized once per system and the hash of a repeated config reused. */
function configHashOf(config: ResolvedRunConfig, ctx: SystemContext): string {
  let parts = configParts.get(ctx);
  if (!parts) configParts.set(ctx, (parts = stableJsonParts([ctx.spec, ctx.model, ctx.assumptions])));
  const text = stableJsonWith(config, parts);
  let hash = configHashes.get(text);
  if (hash === undefined) {
    if (configHashes.size >= 256) configHashes.clear();
    configHashes.set(text, (hash = fnv1a64Hex(text)));
  }
  return hash;
}

/** The serving loop's settings from a run config: the batching policy's caps and KV, replicas, the prefill pool. */
function serveConfigOf(cfg: RunConfig, loader: InputLoader): ServeConfig {
  const s = { ...SERVING_DEFAULTS, ...cfg.serving };
  const out: ServeConfig = {
    batching: cfg.batching,
    batchSize: cfg.batch,
    speculation: speculationPolicyOf(cfg.spec),
    acceptance: cfg.acceptanceRate === undefined ? { kind: "ideal" } : { kind: "rate", rate: cfg.acceptanceRate },
    draft: cfg.draft,
    seed: cfg.seed,
    maxNumBatchedTokens: s.maxNumBatchedTokens,
    kvBlockTokens: s.kvBlockTokens,
    preemption: s.preemption,
    swapSpaceBytesPerGroup: s.swapSpaceBytesPerGroup,
    replicas: s.replicas,
    router: s.router,
  };
  if (cfg.batching === "disaggregated") {
    const pctx = systemOf({ ...cfg, system: s.prefillSystem, hardware: {}, gpus: undefined, fcStacks: undefined, attnStacks: undefined }, loader);
    const fc: FcPolicy = makePolicy(defaultScheduler(pctx), pctx);
    out.prefillPool = {
      ctx: pctx, replicas: s.prefillReplicas, fc,
      link: { link: resolveLink(s.kvTransferLink, undefined, "serving.kvTransferLink"), numLinks: s.kvTransferLinks ?? pctx.numGroups },
    };
  }
  return out;
}

/** Per-pool utilization and per-replica statistics. */
function servingStats(m: ReturnType<typeof serve>, latencySec: number): ServingStats {
  const util = (busySec: number) => (latencySec > 0 ? busySec / latencySec : 0);
  const replicas = m.replicas.map(({ lastFcUnit: _u, ...r }) => ({ ...r, utilization: util(r.busySec) }));
  const poolUtil = (pool: string) => {
    const rs = replicas.filter((r) => r.pool === pool);
    return rs.length > 0 ? rs.reduce((a, r) => a + r.utilization, 0) / rs.length : null;
  };
  return {
    preemptionsRecompute: m.preemptionsRecompute, preemptionsSwap: m.preemptionsSwap, recomputedTokens: m.recomputedTokens,
    swapBytes: m.swapBytes, swapSec: m.swapSec,
    kvTransfers: m.kvTransfers, kvTransferBytes: m.kvTransferBytes, kvTransferSec: m.kvTransferSec, kvTransferJoules: m.kvTransferJoules,
    utilization: { decode: poolUtil("decode") ?? poolUtil("serve") ?? 0, prefill: poolUtil("prefill") },
    replicas,
  };
}

/** Energy by device group and kind: dynamic energy the serving loop charged, static and refresh power over the run. */
function energyByDevice(m: ReturnType<typeof serve>, latencySec: number): Record<string, DeviceEnergy> {
  const out: Record<string, DeviceEnergy> = {};
  // every replica of a pool draws its units' idle power: scale by the replica count; a prefill pool's units are prefixed
  const idle = new Map<string, { staticWatts: number; refreshWatts: number }>();
  for (const pool of m.pools()) {
    for (const p of idlePowerByUnit(pool.ctx)) idle.set(pool.devicePrefix + p.unit, { staticWatts: p.staticWatts * pool.replicas, refreshWatts: p.refreshWatts * pool.replicas });
  }
  for (const [name, e] of m.energyByDevice) {
    const p = idle.get(name);
    const d: DeviceEnergy = {
      compute: e.compute, dram: e.dram, transfer: e.transfer,
      static: (p?.staticWatts ?? 0) * latencySec, refresh: (p?.refreshWatts ?? 0) * latencySec, total: 0,
      busySec: m.busySecByDevice.get(name) ?? 0,
    };
    d.total = d.compute + d.dram + d.transfer + d.static + d.refresh;
    out[name] = d;
  }
  out.draft = { compute: m.draftJoules, dram: 0, transfer: 0, static: 0, refresh: 0, total: m.draftJoules, busySec: m.draftSec };
  return out;
}

function byKind(devices: Record<string, DeviceEnergy>): RunResult["energyByKind"] {
  const k = { compute: 0, dram: 0, transfer: 0, static: 0, refresh: 0 };
  for (const d of Object.values(devices)) {
    k.compute += d.compute;
    k.dram += d.dram;
    k.transfer += d.transfer;
    k.static += d.static;
    k.refresh += d.refresh;
  }
  return k;
}

/**
 * The inputs a user chose that can make a result non-finite: every overridden hardware field, an inline system or
 * model, and the device counts (presets alone are tested to give finite results).
 */
export function suspectInputs(cfg: RunConfig): string[] {
  return [
    ...leafPaths(cfg.hardware, "hardware"),
    ...(typeof cfg.system === "object" ? leafPaths(cfg.system, "system") : []),
    ...(typeof cfg.model === "object" ? ["model"] : []),
    ...(["gpus", "fcStacks", "attnStacks"] as const).filter((k) => cfg[k] !== undefined),
  ];
}
