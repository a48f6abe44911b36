import { tiledFcPlan } from "./tiled.ts";
import type { PimFcMapping, PimFcPlan } from "./types.ts";

/**
 * k-split: inside each stack, k is split into s slices over the pseudo-channels of a channel (design.kSplitScope
 * "channel", the default: what an HBM3 base die can reduce) or over the channels x pseudo-channels ("stack") (n still over the
 * stacks and, within a slice, over channels and bank groups), so each pseudo-channel bus carries only its k/s
 * share of the input; the s partial sums of every output are read out and added on the buffer die (see
 * tiled.ts). The split factor is chosen per call: the fastest legal s > 1 among the divisors of the bus units
 * (ties go to the smaller s, which moves fewer partials).
 */
export const kSplit: PimFcMapping = {
  name: "k-split",
  description: "k split over channels x pseudo-channels inside a stack (each bus gets k/s of the input); partial sums added on the buffer die",
  plan(design, call) {
    const o = design.hbm.org;
    // ASSUMPTION (design.kSplitScope): an HBM3 base die joins the two pseudo-channels of one channel, so by default
    // the partial sums of a k-split are added within a channel; "stack" assumes a cross-channel adder network.
    const busUnits = (design.kSplitScope ?? "channel") === "channel" ? o.numPseudoChannels : o.numChannels * o.numPseudoChannels;
    let best: PimFcPlan | null = null;
    for (let s = 2; s <= busUnits; s++) {
      if (busUnits % s !== 0) continue;
      const p = tiledFcPlan(design, call, s, "k-split");
      if (p !== null && (best === null || p.timeSec < best.timeSec)) best = p;
    }
    return best;
  },
};
