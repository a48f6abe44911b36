import { UserError } from "../../core/errors.ts";
import type { KernelCost } from "../cost-types.ts";
import type { LinkSpec } from "./schema.ts";

/**
 * Moving `bytes` over a link in `numMessages` messages: time = latency x messages + bytes / bandwidth
 * (one direction); energy = bits x energy per bit. Pure and allocation-light (one small object).
 */
export function linkTransferCost(link: LinkSpec, bytes: number, numMessages = 1): KernelCost {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new UserError(`link transfer bytes must be a finite number >= 0, got ${bytes}`);
  if (!Number.isInteger(numMessages) || numMessages < 0) {
    throw new UserError(`link numMessages must be a non-negative integer, got ${numMessages}`);
  }
  return {
    timeSec: link.latencySec * numMessages + bytes / link.bandwidthBytesPerSec,
    energyJoules: bytes * 8 * link.energyPerBitJoules,
  };
}
