import { UserError, formatZodIssues } from "../core/errors.ts";
import { resolveModel } from "../models/registry.ts";
import { makePolicy, defaultScheduler } from "../scheduling/registry.ts";
import { buildSystem, type SystemContext } from "../systems/build.ts";
import { RunConfig, type RunConfigInput } from "./config.ts";
import { percentiles, type Percentiles } from "./metrics.ts";
import { serve } from "./simulator.ts";
import type { SpeculationPolicy } from "./speculative.ts";
import { Timeline } from "./timeline.ts";
import { loadTrace, type RequestSpec } from "./trace.ts";

export interface Breakdown { fc: number; attention: number; communication: number; other: number }
/** Energy split: dynamic energy of decoding by kernel class, prefill, and static energy (GPUs + PIM stacks) over the run. */
export interface EnergyBreakdown extends Breakdown { prefill: number; static: number }

/** What one run reports (`papi run --json`). Times in seconds, energy in joules. */
export interface RunResult {
  system: string;
  model: string;
  trace: string;
  scheduler: string;
  alpha: number | null;
  batching: string;
  batch: number;
  spec: RunConfig["spec"];
  numRequests: number;
  latencySec: number;
  energyJoules: number;
  generatedTokens: number;
  tokensPerSec: number;
  tokensPerJoule: number;
  breakdownSec: Breakdown;
  breakdownJoules: EnergyBreakdown;
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
  fcSwitches: number;
  decodeStepSecMean: number;
  kvLimitedAdmissions: number;
  ttftSec: Percentiles;
  tpotSec: Percentiles;
}

export function parseRunConfig(input: unknown, label = "config"): RunConfig {
  const r = RunConfig.safeParse(input);
  if (!r.success) throw new UserError(formatZodIssues(r.error.issues, `${label}: `));
  return r.data;
}

const contexts = new Map<string, SystemContext>();

/**
 * Resolves the system of a run config against its model (with the config's device counts and overrides).
 * Contexts are cached per process by their inputs, so a sweep shares the memoized kernel costs.
 */
export function systemOf(cfg: RunConfig): SystemContext {
  const key = JSON.stringify([cfg.system, cfg.model, cfg.gpus, cfg.fcStacks, cfg.attnStacks, cfg.hardware]);
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = buildSystem(cfg.system, resolveModel(cfg.model), {
      numGpus: cfg.gpus,
      numFcStacks: cfg.fcStacks,
      numAttnStacks: cfg.attnStacks,
      ...cfg.hardware,
    });
    contexts.set(key, ctx);
  }
  return ctx;
}

/** Runs one configuration end to end. `requests` and `ctx` may be passed in to share work across a sweep. */
export function runOnce(
  input: RunConfigInput | RunConfig,
  opts: { timeline?: Timeline; requests?: readonly RequestSpec[]; ctx?: SystemContext } = {},
): RunResult {
  const cfg = parseRunConfig(input);
  const ctx = opts.ctx ?? systemOf(cfg);
  const schedulerName = cfg.scheduler ?? defaultScheduler(ctx);
  const policy = makePolicy(schedulerName, ctx, cfg.alpha);
  const requests = opts.requests ?? loadTrace(cfg.trace, { numRequests: cfg.requests, seed: cfg.seed, ratePerSec: cfg.ratePerSec }).requests;
  const speculation: SpeculationPolicy = Array.isArray(cfg.spec)
    ? { kind: "cycle", tlps: cfg.spec }
    : typeof cfg.spec === "number"
      ? { kind: "fixed", tlp: cfg.spec }
      : { kind: "adaptive", ...cfg.spec };
  const m = serve(ctx, policy, requests, {
    batching: cfg.batching,
    batchSize: cfg.batch,
    speculation,
    acceptance: cfg.acceptanceRate === undefined ? { kind: "ideal" } : { kind: "rate", rate: cfg.acceptanceRate },
    draft: cfg.draft,
    seed: cfg.seed,
  }, opts.timeline);
  const latencySec = m.endSec - m.startSec;
  const breakdownSec = { fc: m.fcSec, attention: m.attentionSec, communication: m.communicationSec, other: m.otherSec };
  const decodeSec = m.fcSec + m.attentionSec + m.communicationSec + m.otherSec;
  const per = (x: number) => (m.generatedTokens > 0 ? x / m.generatedTokens : 0);
  return {
    system: ctx.spec.name,
    model: ctx.model.name,
    trace: cfg.trace,
    scheduler: policy.name,
    alpha: Number.isNaN(policy.alpha) ? null : policy.alpha,
    batching: cfg.batching,
    batch: cfg.batch,
    spec: cfg.spec,
    numRequests: requests.length,
    latencySec,
    energyJoules: m.energyJoules,
    generatedTokens: m.generatedTokens,
    tokensPerSec: latencySec > 0 ? m.generatedTokens / latencySec : 0,
    tokensPerJoule: m.energyJoules > 0 ? m.generatedTokens / m.energyJoules : 0,
    breakdownSec,
    breakdownJoules: { fc: m.fcJoules, attention: m.attentionJoules, communication: m.communicationJoules, other: m.otherJoules, prefill: m.prefillJoules, static: m.staticJoules },
    staticJoulesBySource: m.staticJoulesBySource,
    perTokenSec: { fc: per(m.fcSec), attention: per(m.attentionSec), communication: per(m.communicationSec), other: per(m.otherSec) },
    prefillSec: m.prefillSec,
    prefillJoules: m.prefillJoules,
    attentionLinkBandwidthSec: m.attentionLinkBwSec,
    idleSec: m.idleSec,
    decodeSec,
    iterations: m.iterations,
    fcOnGpuIterations: m.fcOnGpuIterations,
    fcOnPimIterations: m.fcOnPimIterations,
    fcSwitches: m.fcSwitches,
    decodeStepSecMean: m.iterations > 0 ? decodeSec / m.iterations : 0,
    kvLimitedAdmissions: m.kvLimitedAdmissions,
    ttftSec: percentiles(m.ttftSec),
    tpotSec: percentiles(m.tpotSec),
  };
}
