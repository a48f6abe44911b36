import { Float64Buffer } from "../core/f64-buffer.ts";
import type { SystemContext } from "../systems/build.ts";
import type { PhaseCost } from "../systems/iteration-cost.ts";
import type { EnergySplit } from "../units/unit.ts";
import type { RunRecorder } from "./recorder.ts";
import type { Timeline } from "./timeline.ts";

/** Dynamic energy of one device group by kind, joules (links: transfer only). */
export interface DeviceEnergy {
  compute: number;
  dram: number;
  transfer: number;
}

/** One decoding iteration as the serving loop reports it (energyJoules: the iteration's dynamic energy, draft excluded). */
export interface DecodeIteration {
  iteration: number;
  startSec: number;
  rlp: number;
  tlp: number;
  p: PhaseCost;
  fcOnGpu: boolean;
  stepSec: number;
  energyJoules: number;
  draftSec: number;
  draftJoules: number;
  /** prompt tokens of prefill chunks in the iteration (chunked prefill) */
  prefillTokens: number;
}

/** A pool of identical replicas: the system each runs and the prefix of its units' names in energyByDevice. */
export interface PoolInfo {
  name: "serve" | "prefill" | "decode";
  ctx: SystemContext;
  /** "" for the pool that serves (or decodes); "prefill." for a disaggregated prefill pool */
  devicePrefix: string;
}

/** What one replica did over the run. */
export interface ReplicaStats {
  pool: PoolInfo["name"];
  /** index within its pool */
  index: number;
  /** requests routed to it */
  numRequests: number;
  /** iterations it ran (prefill-only ones included) */
  iterations: number;
  busySec: number;
  /** seconds it waited for work between its first start and its last iteration */
  idleSec: number;
  generatedTokens: number;
  preemptions: number;
  /** the most of its KV cache ever in use (blocks or reserved bytes over capacity): never above 1 */
  kvPeakLoad: number;
  /** KV blocks (or bytes) still held when the run ended: 0 unless a request was lost */
  kvLeftLoad: number;
  /** the unit that ran FC in its last decoding iteration ("" before the first) */
  lastFcUnit: string;
}

/**
 * The one sink of a run's results: the serving loop calls the on* hooks and nothing else writes a statistic, a
 * per-iteration record (RunRecorder) or a timeline event (Timeline). run.ts reads the fields.
 */
export class MetricsStore {
  /** Dynamic energy by unit name (prefixed by its pool's devicePrefix) and "links" for every fabric, by kind. */
  readonly energyByDevice = new Map<string, DeviceEnergy>();
  readonly replicas: ReplicaStats[] = [];
  private readonly poolOf: PoolInfo[] = [];
  /** every device group's tally, by the same names as energyByDevice (its energy is the same object) */
  private readonly slots = new Map<string, DeviceSlot>();
  /** per replica, the slots its roles charge, resolved once (the hot path looks no name up) */
  private readonly slotsOf: ReplicaSlots[] = [];

  /** `ctx`: a store for one replica of that system (serve() declares its pools with addPool instead). */
  constructor(ctx?: SystemContext, readonly recorder?: RunRecorder, readonly timeline?: Timeline) {
    if (ctx) this.addPool({ name: "serve", ctx, devicePrefix: "" }, 1);
  }

  /** Busy time by unit name (and "links"): the seconds each device group worked, summed over replicas. */
  get busySecByDevice(): Map<string, number> {
    return new Map([...this.slots].map(([name, s]) => [name, s.busySec]));
  }

  /** Declares `count` more replicas of a pool (replica numbers continue after the ones already declared). */
  addPool(pool: PoolInfo, count: number): void {
    for (const u of Object.keys(pool.ctx.units)) this.slotNamed(pool.devicePrefix + u);
    this.slotNamed("links");
    const c = pool.ctx;
    const slot = (unit: string) => this.slots.get(pool.devicePrefix + unit);
    const fc = new Map(Object.keys(c.units).map((u) => [u, slot(u)]));
    const first = this.poolOf.filter((p) => p.name === pool.name).length;
    for (let i = 0; i < count; i++) {
      this.poolOf.push(pool);
      this.slotsOf.push({ fc, lastFcUnit: "", lastFcSlot: undefined, attention: slot(c.attention.name), prefillAttention: slot(c.prefill.attention.name), elementwise: slot(c.elementwise.name), links: this.slots.get("links")! });
      this.replicas.push({ pool: pool.name, index: first + i, numRequests: 0, iterations: 0, busySec: 0, idleSec: 0, generatedTokens: 0, preemptions: 0, kvPeakLoad: 0, kvLeftLoad: 0, lastFcUnit: "" });
    }
  }

  private slotNamed(name: string): void {
    if (this.slots.has(name)) return;
    const energy = { compute: 0, dram: 0, transfer: 0 };
    this.energyByDevice.set(name, energy);
    this.slots.set(name, { energy, busySec: 0 });
  }

  /** Charges an iteration's dynamic energy and busy time to the units in each role and the links. */
  private chargeStep(p: PhaseCost, replica: number): void {
    const s = this.slotsOf[replica];
    if (!s) return;
    // the FC unit's slot: the last one again unless the scheduler switched units (a string compare, no lookup)
    if (p.fcUnit !== s.lastFcUnit) {
      s.lastFcUnit = p.fcUnit;
      s.lastFcSlot = s.fc.get(p.fcUnit);
    }
    charge(s.lastFcSlot, p.split.fc, p.fcSec);
    charge(s.attention, p.split.attention, p.attentionSec - p.prefillAttentionSec);
    charge(s.prefillAttention, p.split.prefillAttention, p.prefillAttentionSec);
    charge(s.elementwise, p.split.other, p.otherSec);
    chargeTransfer(s.links, p.communicationJoules, p.communicationSec);
  }

  fcSec = 0;
  attentionSec = 0;
  communicationSec = 0;
  otherSec = 0;
  fcJoules = 0;
  attentionJoules = 0;
  communicationJoules = 0;
  otherJoules = 0;
  prefillSec = 0;
  prefillJoules = 0;
  /** Time spent moving bytes over the attention links (prefill and decode), for exact what-ifs on their bandwidth. */
  attentionLinkBwSec = 0;
  draftSec = 0;
  draftJoules = 0;
  /** decode time hidden by overlapping FC and attention (systems with overlap: sub-batch) */
  overlapSec = 0;
  iterations = 0;
  fcOnGpuIterations = 0;
  fcOnPimIterations = 0;
  fcSwitches = 0;
  generatedTokens = 0;
  /** Requests that had to wait for KV-cache space before admission (each counted once). */
  kvLimitedAdmissions = 0;
  /** Dynamic energy of every iteration (prefill, decode, draft), swaps and KV hand-offs, joules. */
  dynamicJoules = 0;
  /** Time replicas waited for work (summed over replicas), seconds. */
  idleSec = 0;
  /** Requests preempted (each preemption counted), by how their KV was given back. */
  preemptionsRecompute = 0;
  preemptionsSwap = 0;
  /** Tokens prefilled again after preemptions by recomputation. */
  recomputedTokens = 0;
  /** KV moved to and from the host tier by swaps: bytes, the iteration time it took, energy. */
  swapBytes = 0;
  swapSec = 0;
  swapJoules = 0;
  /** Disaggregation: KV caches handed from prefill to decode replicas. */
  kvTransfers = 0;
  kvTransferBytes = 0;
  kvTransferSec = 0;
  kvTransferJoules = 0;
  /** Request ids in the order they finished (Float64Buffer: a million-request run keeps no per-request objects). */
  readonly completionOrder = new Float64Buffer();
  readonly ttftSec = new Float64Buffer();
  /** TPOT of every finished request with more than one output token */
  readonly tpotSec = new Float64Buffer();
  readonly e2eSec = new Float64Buffer();
  /** every finished request's TPOT, aligned with ttftSec (0 for one-token requests): what SLOs are checked on */
  readonly requestTpotSec = new Float64Buffer();

  /** Room for `n` finished requests in the per-request lists (the serving loop knows its request count). */
  reserveRequests(n: number): void {
    for (const b of [this.completionOrder, this.ttftSec, this.tpotSec, this.e2eSec, this.requestTpotSec]) b.reserve(n);
  }

  onDecode(p: PhaseCost, fcOnGpu: boolean, replica = 0): void {
    this.chargeStep(p, replica);
    this.overlapSec += p.overlapSec;
    this.iterations++;
    if (fcOnGpu) this.fcOnGpuIterations++;
    else this.fcOnPimIterations++;
    this.fcSec += p.fcSec;
    this.attentionSec += p.attentionSec;
    this.communicationSec += p.communicationSec;
    this.otherSec += p.otherSec;
    this.fcJoules += p.fcJoules;
    this.attentionJoules += p.attentionJoules;
    this.communicationJoules += p.communicationJoules;
    this.otherJoules += p.otherJoules;
    this.attentionLinkBwSec += p.attentionLinkBwSec;
  }

  onPrefill(p: PhaseCost, timeSec: number, energyJoules: number, replica = 0): void {
    this.chargeStep(p, replica);
    this.attentionLinkBwSec += p.attentionLinkBwSec;
    this.prefillSec += timeSec;
    this.prefillJoules += energyJoules;
  }

  /** Each pool once, with its replica count, in declaration order. */
  pools(): (PoolInfo & { replicas: number })[] {
    const out: (PoolInfo & { replicas: number })[] = [];
    for (const p of this.poolOf) {
      const seen = out.find((o) => o.name === p.name);
      if (seen) seen.replicas++;
      else out.push({ ...p, replicas: 1 });
    }
    return out;
  }

  /** How many replicas the run has (timeline spans name their replica when there are several). */
  get numReplicas(): number {
    return this.replicas.length;
  }

  onRoute(replica: number): void {
    this.replicas[replica].numRequests++;
  }

  onIdle(replica: number, sec: number): void {
    this.idleSec += sec;
    this.replicas[replica].idleSec += sec;
  }

  onTokens(replica: number, n: number): void {
    this.generatedTokens += n;
    this.replicas[replica].generatedTokens += n;
  }

  onKvEnd(replica: number, peakLoad: number, leftLoad: number): void {
    this.replicas[replica].kvPeakLoad = peakLoad;
    this.replicas[replica].kvLeftLoad = leftLoad;
  }

  onKvWait(): void {
    this.kvLimitedAdmissions++;
  }

  /** The FC scheduler's choice before a decoding iteration; a change of unit is a switch (and a timeline instant). */
  onFcDecision(replica: number, unit: string, atSec: number, rlp: number, tlp: number, alpha: number): void {
    const r = this.replicas[replica];
    if (unit === r.lastFcUnit) return;
    if (r.lastFcUnit !== "") this.fcSwitches++;
    this.timeline?.instant("scheduler", `FC -> ${unit}`, atSec, this.numReplicas > 1 ? { rlp, tlp, alpha, replica } : { rlp, tlp, alpha });
    r.lastFcUnit = unit;
  }

  /** An iteration without decoding requests (whole prompts or prompt chunks only). */
  onPrefillIteration(replica: number, p: PhaseCost, startSec: number, timeSec: number, energyJoules: number, numRequests: number): void {
    this.timeline?.span("prefill", `prefill x${numRequests}`, startSec, timeSec, this.numReplicas > 1 ? { requests: numRequests, replica } : { requests: numRequests });
    this.dynamicJoules += energyJoules;
    this.onPrefill(p, timeSec, energyJoules, replica);
    this.replicas[replica].iterations++;
    this.replicas[replica].busySec += timeSec;
  }

  /** An iteration with decoding requests (and, under chunked prefill, prompt chunks riding along). */
  onDecodeIteration(replica: number, it: DecodeIteration): void {
    const { p, startSec, stepSec, draftSec, draftJoules } = it;
    if (this.timeline) {
      const tl = this.timeline;
      let t = startSec;
      const args: Record<string, unknown> = { rlp: it.rlp, tlp: it.tlp, fcOn: p.fcUnit };
      if (it.prefillTokens > 0) args.prefillTokens = it.prefillTokens;
      if (this.numReplicas > 1) args.replica = replica;
      tl.span("iteration", `iter ${it.iteration}`, t, stepSec, args);
      tl.span(`fc-${p.fcUnit}`, "FC", t, p.fcSec);
      t += p.fcSec;
      tl.span("attention", "attention", t, p.attentionSec);
      t += p.attentionSec;
      tl.span("communication", "communication", t, p.communicationSec);
      t += p.communicationSec;
      tl.span("other", "norms/activations", t, p.otherSec);
      t += p.otherSec;
      if (draftSec > 0) tl.span("draft", "draft model", t, draftSec);
    }
    const joules = it.energyJoules + draftJoules;
    this.recorder?.iteration({
      iteration: it.iteration, startSec, rlp: it.rlp, tlp: it.tlp, fcUnit: p.fcUnit, fcSec: p.fcSec, attentionSec: p.attentionSec,
      communicationSec: p.communicationSec, otherSec: p.otherSec, draftSec, energyJoules: joules,
    });
    this.dynamicJoules += joules;
    this.onDecode(p, it.fcOnGpu, replica);
    this.draftSec += draftSec;
    this.draftJoules += draftJoules;
    this.replicas[replica].iterations++;
    this.replicas[replica].busySec += stepSec;
  }

  onPreemption(replica: number, swap: boolean, recomputeTokens: number): void {
    if (swap) this.preemptionsSwap++;
    else this.preemptionsRecompute++;
    this.recomputedTokens += recomputeTokens;
    this.replicas[replica].preemptions++;
  }

  /** KV moved to or from the host tier during an iteration of `replica` (its time is part of that iteration). */
  onSwap(replica: number, bytes: number, sec: number, joules: number): void {
    this.swapBytes += bytes;
    this.swapSec += sec;
    this.swapJoules += joules;
    this.dynamicJoules += joules;
    this.replicas[replica].busySec += sec;
    chargeTransfer(this.slots.get("links")!, joules, sec);
  }

  /** A KV cache handed from a prefill replica to a decode replica (disaggregation). */
  onKvTransfer(bytes: number, sec: number, joules: number): void {
    this.kvTransfers++;
    this.kvTransferBytes += bytes;
    this.kvTransferSec += sec;
    this.kvTransferJoules += joules;
    this.dynamicJoules += joules;
    chargeTransfer(this.slots.get("links")!, joules, sec);
  }

  onRequestDone(id: number, arrivalSec: number, firstTokenAtSec: number, finishedAtSec: number, outputTokens: number, inputTokens = 0): void {
    this.completionOrder.push(id);
    this.ttftSec.push(firstTokenAtSec - arrivalSec);
    this.e2eSec.push(finishedAtSec - arrivalSec);
    if (outputTokens > 1) this.tpotSec.push((finishedAtSec - firstTokenAtSec) / (outputTokens - 1));
    this.requestTpotSec.push(outputTokens > 1 ? (finishedAtSec - firstTokenAtSec) / (outputTokens - 1) : 0);
    this.recorder?.request({
      id, arrivalSec, firstTokenAtSec, finishedAtSec, inputTokens, outputTokens, ttftSec: firstTokenAtSec - arrivalSec,
      tpotSec: outputTokens > 1 ? (finishedAtSec - firstTokenAtSec) / (outputTokens - 1) : 0,
    });
  }
}

/** A device group's running tally: dynamic energy by kind and busy seconds. */
interface DeviceSlot {
  energy: DeviceEnergy;
  busySec: number;
}

/** The slots one replica's roles charge: FC by the unit that ran it, the attention and elementwise units, the links. */
interface ReplicaSlots {
  fc: Map<string, DeviceSlot | undefined>;
  /** the unit chargeStep charged FC to last, and its slot */
  lastFcUnit: string;
  lastFcSlot: DeviceSlot | undefined;
  attention: DeviceSlot | undefined;
  prefillAttention: DeviceSlot | undefined;
  elementwise: DeviceSlot | undefined;
  links: DeviceSlot;
}

function charge(slot: DeviceSlot | undefined, e: EnergySplit, busySec: number): void {
  if (slot === undefined) return;
  const d = slot.energy;
  d.compute += e.compute;
  d.dram += e.dram;
  d.transfer += e.transfer;
  slot.busySec += busySec;
}

/** Transfer energy only (links): compute and DRAM gain 0, which leaves them unchanged (never -0: they start at +0). */
function chargeTransfer(slot: DeviceSlot, joules: number, busySec: number): void {
  slot.energy.transfer += joules;
  slot.busySec += busySec;
}

export interface Percentiles { mean: number; p50: number; p90: number; p99: number }

/**
 * Nearest-rank percentiles (deterministic, no interpolation). The values are sorted as a Float64Array (a numeric sort
 * without a JS comparator: a million values in a third of the time); the mean sums them in sorted order.
 */
export function percentiles(values: ArrayLike<number>): Percentiles {
  if (values.length === 0) return { mean: 0, p50: 0, p90: 0, p99: 0 };
  const s = (values instanceof Float64Array ? values.slice() : Float64Array.from(values)).sort();
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)]; // q <= 1: never past the end
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  return { mean: sum / s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}
