import { z } from "zod";

/**
 * A point-to-point link between devices (GPU-GPU, GPU-PIM, host-PIM). Bandwidth is per direction;
 * vendors usually quote the bidirectional aggregate, which must be exactly twice it.
 */
export const LinkSpec = z
  .object({
    name: z.string().min(1),
    description: z.string().default(""),
    /** bandwidth in one direction */
    bandwidthBytesPerSec: z.number().positive(),
    /** the vendor's bidirectional figure; must equal 2 x bandwidthBytesPerSec when given */
    aggregateBandwidthBytesPerSec: z.number().positive().optional(),
    /** fixed cost per message (software launch + link traversal) */
    latencySec: z.number().nonnegative(),
    energyPerBitJoules: z.number().nonnegative(),
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
