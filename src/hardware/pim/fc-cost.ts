import { UserError } from "../../core/errors.ts";
import { pimFpusPerBank, pimStackCapacityBytes, pimValuesPerColumn, type PimDesign } from "./schema.ts";
import { pimConsts, pimKernelCost, pimMacIntervalSec, pimStreamTimeSec, type PimKernelCost } from "./timing.ts";

export interface PimFcShape {
  /** tokens multiplied by the weights in this call (RLP x TLP): the reuse of every weight read */
  m: number;
  /** input features (reduction dimension) */
  k: number;
  /** output features */
  n: number;
  numStacks: number;
  dtypeBytes?: number;
}

/**
 * FC kernel (y[m x n] = x[m x k] W[k x n]) on PIM stacks, from DRAM commands (docs/pim-model.md).
 *
 * Layout. W is cut into numStacks blocks along n (one 2D block per stack, k kept whole so no cross-stack
 * reduction is needed). Inside a stack the n outputs go over channels x (pseudo-channels x ranks x
 * enabled bank groups) = C x G groups, and k over the B banks of a bank group (AttAcc's layout: "split
 * by columns over pseudo-channels/bank groups and by rows over banks"). A bank tile is kb = ceil(k/B)
 * by nb = ceil(n_stack / (C G)); each 32-B column holds 16 consecutive k-values of one output.
 *
 * Schedule per channel (all channels in parallel, so the time of one channel is the critical path):
 * - inputs x stream into every bank's buffer (WRGB, broadcast over both pseudo-channel buses) k-chunk
 *   by k-chunk, overlapped with MACs; outputs stay in the FPU accumulators (nb m values per bank; when
 *   they do not fit in accumulatorBytesPerFpu x FPUs, the outputs are done in passes and the inputs are
 *   re-sent every pass);
 * - MACAB streams all nb ceil(kb/16) columns of each bank, one row (32 columns) per ACTAB/PREA, the
 *   MAC interval being max(nCCDAB, FPU time for m tokens) (see pimMacIntervalSec);
 * - the B bank partials of a group are summed on the way out and read (RDOUT) over the buses.
 * time = fill + max(array time x refresh stretch, input time + output time of earlier passes) + last
 * pass's output time.
 */
export function pimFcCost(design: PimDesign, fc: PimFcShape): PimKernelCost {
  const { m, k, n, numStacks } = fc;
  const dt = fc.dtypeBytes ?? 2;
  checkInt("m", m);
  checkInt("k", k);
  checkInt("n", n);
  checkInt("numStacks", numStacks);
  checkInt("dtypeBytes", dt);
  const capacity = pimStackCapacityBytes(design) * numStacks;
  const weightBytes = k * n * dt;
  if (weightBytes > capacity) {
    throw new UserError(
      `fc: weights k x n x dtypeBytes = ${weightBytes} B exceed numStacks x capacity = ${capacity} B of design "${design.name}"`,
    );
  }
  const c = pimConsts(design);
  const o = design.hbm.org;
  const C = o.numChannels;
  const P = o.numPseudoChannels;
  const G = P * o.numRanks * design.numEnabledBankGroups;
  const B = o.numBanksPerGroup;
  const v = pimValuesPerColumn(design, dt);

  const nPerStack = Math.ceil(n / numStacks);
  const usedStacks = Math.ceil(n / nPerStack);
  const nb = Math.ceil(nPerStack / (C * G));
  const kb = Math.ceil(k / B);
  const colsPerOutput = Math.ceil(kb / v);
  const colsPerBank = nb * colsPerOutput;
  const rowsPerBank = Math.ceil(colsPerBank / c.columnsPerRow);

  const intervalSec = pimMacIntervalSec(design, m, dt);
  const arraySec = pimStreamTimeSec(c, colsPerBank, intervalSec) * c.refreshStretch;

  const accumulatorBytesPerBank = design.accumulatorBytesPerFpu * pimFpusPerBank(design);
  const passes = Math.ceil((nb * m * dt) / accumulatorBytesPerBank);
  const inBytesPerChannel = passes * m * k * dt;
  const outBytesPerChannel = G * nb * m * dt;
  const bw = c.pseudoChannelBandwidthBytesPerSec;
  const inSec = inBytesPerChannel / bw; // broadcast: both pseudo-channel buses carry every byte
  const outSec = outBytesPerChannel / (P * bw); // each pseudo-channel reads its own groups
  const fillSec = Math.min(inSec, (B * v * m * dt) / bw); // first k-chunk before the first MACAB
  const lastOutSec = outSec / passes;
  const timeSec = fillSec + Math.max(arraySec, inSec - fillSec + outSec - lastOutSec) + lastOutSec;

  // counts and energy (over all used stacks)
  const channels = usedStacks * C;
  const activeBanks = Math.ceil(n / nb) * B; // bank tiles that hold weights
  const columnReads = activeBanks * colsPerBank;
  const bankRowActivations = activeBanks * rowsPerBank;
  const numRefresh = Math.round((timeSec / c.refreshIntervalSec) * numStacks * C); // every channel keeps refreshing
  const macs = m * k * n;
  const transferBytesIn = channels * P * inBytesPerChannel;
  const transferBytesOut = channels * outBytesPerChannel;
  return pimKernelCost(design, {
    timeSec,
    numStacks,
    bankRowActivations,
    columnReads,
    transferBytesIn,
    transferBytesOut,
    macs,
    extraComputeJoules: 0,
    commands: {
      ACTAB: channels * rowsPerBank,
      PREA: channels * rowsPerBank,
      MACAB: channels * colsPerBank,
      WRGB: channels * Math.ceil(inBytesPerChannel / c.columnBytes),
      RDOUT: channels * Math.ceil(outBytesPerChannel / c.columnBytes),
      REF: numRefresh,
    },
  });
}

function checkInt(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`fc.${field} must be a positive integer, got ${v}`);
}
