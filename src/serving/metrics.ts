import type { SystemContext } from "../systems/build.ts";
import type { PhaseCost } from "../systems/iteration-cost.ts";
import type { EnergySplit } from "../units/unit.ts";

/** Dynamic energy of one device group by kind, joules (links: transfer only). */
export interface DeviceEnergy {
  compute: number;
  dram: number;
  transfer: number;
}

/** Accumulates a run's statistics; the simulator calls the on* hooks, the report reads `result`. */
export class MetricsStore {
  /** Dynamic energy by unit name (and "links" for every fabric), by kind: where each joule was spent. */
  readonly energyByDevice = new Map<string, DeviceEnergy>();
  /** Busy time by unit name (and "links"): the seconds each device group worked. */
  readonly busySecByDevice = new Map<string, number>();
  draftJoules = 0;

  constructor(private readonly ctx?: SystemContext) {
    if (ctx) {
      for (const u of Object.keys(ctx.units)) {
        this.energyByDevice.set(u, { compute: 0, dram: 0, transfer: 0 });
        this.busySecByDevice.set(u, 0);
      }
      this.energyByDevice.set("links", { compute: 0, dram: 0, transfer: 0 });
      this.busySecByDevice.set("links", 0);
    }
  }

  private charge(device: string, e: EnergySplit, busySec: number): void {
    const d = this.energyByDevice.get(device);
    if (d === undefined) return;
    d.compute += e.compute;
    d.dram += e.dram;
    d.transfer += e.transfer;
    this.busySecByDevice.set(device, this.busySecByDevice.get(device)! + busySec);
  }

  /** Charges an iteration's dynamic energy and busy time to the units in each role and the links. */
  private chargeStep(p: PhaseCost): void {
    const c = this.ctx;
    if (!c) return;
    this.charge(p.fcUnit, p.split.fc, p.fcSec);
    this.charge(c.attention.name, p.split.attention, p.attentionSec - p.prefillAttentionSec);
    this.charge(c.prefill.attention.name, p.split.prefillAttention, p.prefillAttentionSec);
    this.charge(c.elementwise.name, p.split.other, p.otherSec);
    this.charge("links", { compute: 0, dram: 0, transfer: p.communicationJoules }, p.communicationSec);
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
  /** decode time hidden by overlapping FC and attention (systems with overlap: sub-batch) */
  overlapSec = 0;
  iterations = 0;
  fcOnGpuIterations = 0;
  fcOnPimIterations = 0;
  fcSwitches = 0;
  generatedTokens = 0;
  /** Requests that had to wait for KV-cache space before admission (each counted once). */
  kvLimitedAdmissions = 0;
  /** Request ids in the order they finished. */
  readonly completionOrder: number[] = [];
  readonly ttftSec: number[] = [];
  readonly tpotSec: number[] = [];
  readonly e2eSec: number[] = [];

  onDecode(p: PhaseCost, fcOnGpu: boolean): void {
    this.chargeStep(p);
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

  onPrefill(p: PhaseCost, timeSec: number, energyJoules: number): void {
    this.chargeStep(p);
    this.attentionLinkBwSec += p.attentionLinkBwSec;
    this.prefillSec += timeSec;
    this.prefillJoules += energyJoules;
  }

  onRequestDone(id: number, arrivalSec: number, firstTokenAtSec: number, finishedAtSec: number, outputTokens: number): void {
    this.completionOrder.push(id);
    this.ttftSec.push(firstTokenAtSec - arrivalSec);
    this.e2eSec.push(finishedAtSec - arrivalSec);
    if (outputTokens > 1) this.tpotSec.push((finishedAtSec - firstTokenAtSec) / (outputTokens - 1));
  }
}

export interface Percentiles { mean: number; p50: number; p90: number; p99: number }

/**
 * Nearest-rank percentiles (deterministic, no interpolation). The values are sorted as a Float64Array (a numeric sort
 * without a JS comparator: a million values in a third of the time); the mean sums them in sorted order.
 */
export function percentiles(values: ArrayLike<number>): Percentiles {
  if (values.length === 0) return { mean: 0, p50: 0, p90: 0, p99: 0 };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)]; // q <= 1: never past the end
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  return { mean: sum / s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}
