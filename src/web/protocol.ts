import type { IterationRecord, RequestRecord } from "../serving/recorder.ts";
import type { RunResultWithDesign } from "../serving/design-diff.ts";
import { fromColumns, type Columns } from "./columns.ts";

/**
 * Messages between the explorer page and its simulator worker. The page holds the run config as the user edits it
 * (raw: only the fields set) and uploaded files as text; the worker validates with the CLI's schemas, runs, and
 * answers with plain data (structured-clone safe).
 */

/** Uploaded trace CSVs by file name (the config's `trace` names one of them). */
export type TraceUploads = Readonly<Record<string, string>>;

export type ToWorker =
  | { kind: "describe" }
  | { kind: "run"; id: number; config: Record<string, unknown>; traces: TraceUploads; systems: boolean }
  /** a pasted or uploaded run config (YAML or JSON by file name) */
  | { kind: "parse-config"; id: number; text: string; fileName: string }
  /** an uploaded Hugging Face config.json */
  | { kind: "parse-model"; id: number; text: string; fileName: string }
  /** an uploaded trace CSV: checked once on upload */
  | { kind: "parse-trace"; id: number; text: string; fileName: string };

/** What the page needs to build its controls; every list comes from the simulator's own registries and schemas. */
export interface Description {
  /** RunConfig.parse({}): the value of every field the user has not set */
  defaults: Record<string, unknown>;
  systems: { name: string; description: string }[];
  models: string[];
  traces: { name: string; description: string }[];
  gpus: string[];
  pimDesigns: string[];
  links: { name: string; bandwidthBytesPerSec: number }[];
  schedulers: string[];
  batchings: string[];
  /** assumption profiles (papi, attacc-toolchain) */
  profiles: string[];
  /** enum fields of a PIM design (e.g. compute semantics), from its schema */
  pimEnumFields: Record<string, string[]>;
  /** bounds of numeric fields the controls use */
  limits: { maxBatch: number; maxTlp: number; maxStacks: number; maxGpus: number };
  /** the six system presets, resolved (for the hardware controls' shown values) */
  presetSpecs: Record<string, unknown>;
}

/** Area and power check of one PIM design (the power study and the area rule of the paper). */
export interface PimCheck {
  role: "FC-PIM" | "Attn-PIM";
  design: string;
  label: string;
  fpusPerBank: number;
  banksPerDie: number;
  maxBanksPerDie: number;
  dieAreaMm2: number;
  maxDieAreaMm2: number;
  budgetWatts: number;
  /** one row per reuse level (tokens per weight read) */
  power: { reuse: number; watts: number; fpuPeakWatts: number; withinBudget: boolean; fpuPeakWithinBudget: boolean }[];
}

/** One system of the Fig. 8 column: the page's workload point on a preset system (or on the page's own system). */
export interface SystemRow {
  system: string;
  label: string;
  latencySec: number;
  energyJoules: number;
  tokensPerSec: number;
  tokensPerJoule: number;
  speedupVsA100Attacc: number;
  energyEfficiencyVsA100Attacc: number;
  fcOnGpuShare: number;
}

export type FromWorker =
  | { kind: "describe"; description: Description }
  | {
      kind: "run";
      id: number;
      result: RunResultWithDesign;
      iterations: IterationRecord[];
      requests: RequestRecord[];
      pim: PimCheck[];
      /** the config as a YAML run config (`papi run --config`) */
      configYaml: string;
      /** worker time of the run, ms (performance.now) */
      runMs: number;
    }
  /** rows of systems that failed hold NaN; `errors` says why (one line each) */
  | { kind: "systems"; id: number; rows: SystemRow[]; errors: string[]; systemsMs: number }
  | { kind: "error"; id: number; message: string; stage: "run" | "systems" | "upload" }
  | { kind: "parsed-config"; id: number; config: Record<string, unknown> }
  | { kind: "parsed-model"; id: number; model: Record<string, unknown>; name: string }
  | { kind: "parsed-trace"; id: number; fileName: string; numRequests: number };

/**
 * What the worker actually posts: a run's iteration and request records as columns (columns.ts), which SimClient
 * turns back into the "run" message before the page sees it.
 */
export type RunColumnsMessage = Omit<Extract<FromWorker, { kind: "run" }>, "kind" | "iterations" | "requests"> & { kind: "run-columns"; iterations: Columns; requests: Columns };
export type FromWorkerWire = FromWorker | RunColumnsMessage;

/** A posted message as the page reads it. */
export function fromWire(m: FromWorkerWire): FromWorker {
  if (m.kind !== "run-columns") return m;
  const { iterations, requests, ...rest } = m;
  return { ...rest, kind: "run", iterations: fromColumns<IterationRecord>(iterations), requests: fromColumns<RequestRecord>(requests) };
}
