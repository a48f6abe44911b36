import { pimFpusPerBank, pimValuesPerColumn, type PimDesign } from "../schema.ts";
import {
  pimColumnReadsPerPosition, pimConsts, pimFreshCommandsPerColumn, pimMacCommandIntervalSec, pimMacCommandsPerColumn, pimMacReuseIntervalSec, pimStreamTimeSec,
} from "../timing.ts";
import type { PimFcCall, PimFcPlan, PimFcResource } from "./types.ts";

/**
 * The layout both FC mappings share, for a k-split factor s (docs/pim-model.md, "FC mappings").
 *
 * W is cut into numStacks blocks along n (n_s = ceil(n / S) outputs per stack; k whole, so stacks never
 * exchange partial sums). Inside a stack the U = channels x pseudo-channels buses ("bus units", each with its
 * own 20.8 GB/s pseudo-channel bus) are split into s k-slices of U / s bus units: every bus unit receives
 * only its k-slice of the inputs (ceil(k / s) values per token). Within a k-slice the n_s outputs go over the
 * (U / s) x (G / P) bank groups and the slice's k over the B banks of a group (AttAcc's layout: "split by
 * columns over pseudo-channels/bank groups and by rows over banks"). A bank tile is kb = ceil(ceil(k/s) / B)
 * by nb = ceil(n_s / ((U / s) (G / P))); each 32-B column holds 16 consecutive k-values of one output.
 * s = 1 is the n-split layout (every bus carries the whole input); s > 1 leaves s partial sums per output,
 * added on the buffer die at reductionElementsPerClock per channel per tCK.
 *
 * Per bus unit (all in parallel, equal tiles, so one is the critical path):
 * - inputs stream into the banks' buffers (WRGB) k-chunk by k-chunk, overlapped with the MACs; outputs stay in
 *   the FPU accumulators (nb m values per bank; when they do not fit in accumulatorBytesPerFpu x FPUs, the
 *   outputs are done in `passes` and the inputs are re-sent every pass);
 * - MACs stream nb ceil(kb / 16) column positions per bank, one row (32 columns) per ACTAB/PREA, each
 *   position taking pimMacCommandsPerColumn(m) commands pimMacCommandIntervalSec(m) apart;
 * - the B bank partials of a group are summed on the way out (RDOUT) over the bus; k-split partials are then
 *   added on the buffer die, pipelined with their arrival.
 * time = fill + max(array, input + earlier outputs, earlier reductions) + max(last output, last reduction),
 * fill being the first k-chunk before the first MAC.
 *
 * Returns null when s does not divide the bus units, or when s > 1 leaves a bank less than one column of k
 * (the split would add partial sums without shortening anything).
 */
export function tiledFcPlan(design: PimDesign, call: PimFcCall, kSplit: number, mapping: PimFcPlan["mapping"]): PimFcPlan | null {
  const { m, k, n, numStacks, dtypeBytes: dt } = call;
  const c = pimConsts(design);
  const o = design.hbm.org;
  const C = o.numChannels;
  const P = o.numPseudoChannels;
  const groupsPerBus = o.numRanks * design.numEnabledBankGroups;
  const B = o.numBanksPerGroup;
  const busUnits = C * P;
  const s = kSplit;
  if (!Number.isInteger(s) || s < 1 || busUnits % s !== 0) return null;
  const v = pimValuesPerColumn(design, dt);

  const nPerStack = Math.ceil(n / numStacks);
  const usedStacks = Math.ceil(n / nPerStack);
  const kSlice = Math.ceil(k / s);
  const kb = Math.ceil(kSlice / B);
  if (s > 1 && kb < v) return null;
  const nb = Math.ceil(nPerStack / ((busUnits / s) * groupsPerBus));
  const colsPerBank = nb * Math.ceil(kb / v);
  const rowsPerBank = Math.ceil(colsPerBank / c.columnsPerRow);

  const commandsPerColumn = pimMacCommandsPerColumn(design, m);
  const intervalSec = pimMacCommandIntervalSec(design, m, dt);
  const reuseIntervalSec = pimMacReuseIntervalSec(design, m, dt);
  const freshPerColumn = pimFreshCommandsPerColumn(design, commandsPerColumn);
  const arraySec = pimStreamTimeSec(c, colsPerBank, commandsPerColumn, intervalSec, reuseIntervalSec, freshPerColumn) * c.refreshStretch;

  const accumulatorBytesPerBank = design.accumulatorBytesPerFpu * pimFpusPerBank(design);
  const passes = Math.ceil((nb * m * dt) / accumulatorBytesPerBank);
  const bw = c.pseudoChannelBandwidthBytesPerSec;
  const inBytesPerBus = passes * m * kSlice * dt;
  const outBytesPerBus = groupsPerBus * nb * m * dt;
  const inputBusSec = inBytesPerBus / bw;
  const outputBusSec = outBytesPerBus / bw;
  const fillSec = Math.min(inputBusSec, (B * v * m * dt) / bw);
  const addsPerStack = (s - 1) * m * nPerStack;
  const reductionSec = (addsPerStack / (C * design.reductionElementsPerClock)) * c.tCkSec;
  const lastOutSec = outputBusSec / passes;
  const lastReductionSec = reductionSec / passes;
  const middleSec = Math.max(arraySec, inputBusSec - fillSec + outputBusSec - lastOutSec, reductionSec - lastReductionSec);
  const timeSec = fillSec + middleSec + Math.max(lastOutSec, lastReductionSec);

  const busSec = inputBusSec + outputBusSec;
  let bindingResource: PimFcResource = "bank-array";
  if (busSec > arraySec && busSec >= reductionSec) bindingResource = inputBusSec >= outputBusSec ? "input-bus" : "output-bus";
  else if (reductionSec > arraySec) bindingResource = "buffer-die-adder";

  const numChannels = usedStacks * C;
  const activeBanks = Math.ceil(n / nb) * s * B; // bank tiles that hold weights
  const distinctBusesPerChannel = Math.min(P, s); // s = 1: one WRGB stream broadcast to both pseudo-channels
  return {
    mapping,
    kSplit: s,
    timeSec,
    bindingResource,
    arraySec,
    inputBusSec,
    outputBusSec,
    reductionSec,
    usedStacks,
    numChannels,
    bankRowActivations: activeBanks * rowsPerBank,
    columnReads: activeBanks * colsPerBank * pimColumnReadsPerPosition(design, commandsPerColumn),
    rowsPerChannel: rowsPerBank,
    macCommandsPerChannel: colsPerBank * commandsPerColumn,
    transferBytesIn: usedStacks * busUnits * inBytesPerBus,
    transferBytesOut: usedStacks * busUnits * outBytesPerBus,
    wrgbCommands: numChannels * distinctBusesPerChannel * Math.ceil(inBytesPerBus / c.columnBytes),
    rdoutCommands: numChannels * Math.ceil((P * outBytesPerBus) / c.columnBytes),
    reductionAdds: (s - 1) * m * n,
  };
}
