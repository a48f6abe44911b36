import { z } from "zod";
import { quantity, RANGES } from "../../core/quantity.ts";

const perBit = (what: string) => quantity(what, "J/bit", RANGES.energyPerBitJoules);
const perOp = (what: string) => quantity(what, "J", RANGES.energyPerOpJoules);

/**
 * PIM energy constants, overridable per design. Source of the DRAM path energies: AttAcc's
 * simulator (scale-snu/attacc_simulator, src/config.py, "2017 MICRO FGDRAM" block), which takes them
 * from O'Connor et al., "Fine-Grained DRAM", MICRO 2017.
 */
export const PimEnergy = z.strictObject({
  /** cell array energy of ACT + PRE, per bit of the opened row */
  cellActPreJoulesPerBit: perBit("cell array energy of ACT + PRE, per bit of the opened row"),
  /** cell array energy of a column read/write, per bit */
  cellRdWrJoulesPerBit: perBit("cell array energy of a column read/write"),
  /** column decoder to bank-group mux */
  columnToBankGroupMuxJoulesPerBit: perBit("column decoder to bank-group mux"),
  /** bank-group mux to global I/O */
  bankGroupMuxToGioJoulesPerBit: perBit("bank-group mux to global I/O"),
  tsvJoulesPerBit: perBit("through-silicon via"),
  /** silicon interposer I/O (only when data leaves the stack; links add their own energy) */
  interposerJoulesPerBit: perBit("silicon interposer I/O"),
  /** one FP16 multiply-accumulate in a PIM FPU */
  macJoules: perOp("one FP16 multiply-accumulate in a PIM FPU"),
  /** one softmax element (exp, running max/sum, scale) in the buffer-die softmax unit */
  softmaxJoulesPerElement: perOp("one softmax element in the buffer-die unit"),
  /** one FP16 add of partial sums in the buffer-die adder (k-split FC mappings) */
  reductionAddJoules: perOp("one FP16 add of partial sums on the buffer die"),
  /** background (static) power per stack; added as watts x kernel time */
  backgroundPowerWattsPerStack: quantity("background (static) power per stack", "W", RANGES.powerWatts),
});
export type PimEnergy = z.infer<typeof PimEnergy>;

const PJ = 1e-12;

export const DEFAULT_PIM_ENERGY: PimEnergy = PimEnergy.parse({
  // FGDRAM via AttAcc src/config.py: "Cell (ACT/PRE) energy: 0.11pJ/b"
  cellActPreJoulesPerBit: 0.11 * PJ,
  // same: "Cell (RD/WRT) energy: 0.44pJ/b"
  cellRdWrJoulesPerBit: 0.44 * PJ,
  // same: "RD/WR Energy (column decoder to BG MUX): 1.01 pJ/b"
  columnToBankGroupMuxJoulesPerBit: 1.01 * PJ,
  // same: "RD/WR Energy (BG Mux to GIO Mux): 1.23 pJ/b"
  bankGroupMuxToGioJoulesPerBit: 1.23 * PJ,
  // same: "TSV energy : 0.5 pJ/b"
  tsvJoulesPerBit: 0.5 * PJ,
  // same: "Silicon interposer IO energy : 0.3 pJ/b"
  interposerJoulesPerBit: 0.3 * PJ,
  // AttAcc src/config.py: ENERGY_TABLE['PIM'][...]['alu'] = 0.32 (pJ per FP16 MAC)
  macJoules: 0.32 * PJ,
  // ASSUMPTION: about 5 FP16 operations per softmax element (max, subtract, exp, add, scale) at the
  // AttAcc ALU energy of 0.32 pJ each; AttAcc itself leaves softmax energy out of PIM.
  softmaxJoulesPerElement: 5 * 0.32 * PJ,
  // ASSUMPTION: one FP16 add at AttAcc's ALU energy of 0.32 pJ (its figure for a MAC, so an upper bound for an
  // add); the partials' movement over TSV and GIO is charged separately as transfer energy.
  reductionAddJoules: 0.32 * PJ,
  // ASSUMPTION: 0 W, as AttAcc ("AttAcc models no static power"); set it to study static power.
  backgroundPowerWattsPerStack: 0,
});

/** Energy per bit for moving data between the buffer die and a bank-level unit (TSV + GIO + BG mux). */
export function pimTransferJoulesPerBit(e: PimEnergy): number {
  return e.tsvJoulesPerBit + e.bankGroupMuxToGioJoulesPerBit + e.columnToBankGroupMuxJoulesPerBit;
}
