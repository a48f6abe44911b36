import { z } from "zod";
import { quantity, RANGES } from "../../core/quantity.ts";

/**
 * A point-to-point link between devices (GPU-GPU, GPU-PIM, host-PIM). Bandwidth is per direction;
 * vendors usually quote the bidirectional aggregate, which must be exactly twice it.
 */
export const LinkSpec = z
  .object({
    name: z.string().min(1).describe("link name"),
    description: z.string().default("").describe("one line about the link"),
    /** bandwidth in one direction */
    bandwidthBytesPerSec: quantity("bandwidth in one direction", "B/s", RANGES.bandwidthBytesPerSec),
    /** the vendor's bidirectional figure; must equal 2 x bandwidthBytesPerSec when given */
    aggregateBandwidthBytesPerSec: quantity("the vendor's bidirectional figure (2 x bandwidthBytesPerSec)", "B/s", { min: 2 * RANGES.bandwidthBytesPerSec.min, max: 2 * RANGES.bandwidthBytesPerSec.max }).optional(),
    /** fixed cost per message (software launch + link traversal) */
    latencySec: quantity("fixed cost per message (software launch + link traversal)", "s", RANGES.latencySec),
    energyPerBitJoules: quantity("energy per bit moved", "J/bit", RANGES.energyPerBitJoules),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (
      l.aggregateBandwidthBytesPerSec !== undefined &&
      Math.abs(l.aggregateBandwidthBytesPerSec - 2 * l.bandwidthBytesPerSec) > 1e-9 * l.aggregateBandwidthBytesPerSec
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["aggregateBandwidthBytesPerSec"],
        message: `must be 2 x bandwidthBytesPerSec (${2 * l.bandwidthBytesPerSec}), got ${l.aggregateBandwidthBytesPerSec}`,
      });
    }
  });
export type LinkSpec = z.infer<typeof LinkSpec>;
