import { gpuAttentionCost } from "../hardware/gpu/cost.ts";
import { pimAttentionCost } from "../hardware/pim/cost.ts";
import { linkTransferCost } from "../hardware/links/cost.ts";
import type { SystemContext } from "./build.ts";
import { fcIterationCost, type PhaseCost } from "./step-cost.ts";

/**
 * Prefill of a group of requests that start together: one pass over all their prompt tokens on the host unit
 * (GPU, or the PIM stacks in a PIM-only system), attention over each prompt, and, where attention lives on
 * separate stacks, shipping the new KV cache to them. The prefill produces each request's first output token.
 * Causal attention is costed as full attention over the prompt (an upper bound, about 2x the causal FLOPs).
 */
export function prefillCost(ctx: SystemContext, inputLens: readonly number[]): PhaseCost {
  const m = ctx.model;
  const layers = m.num_hidden_layers;
  const bytes = ctx.shape.dtypeBytes;
  let totalTokens = 0;
  for (const l of inputLens) totalTokens += l;
  const unit = ctx.spec.hostUnit;
  const f = fcIterationCost(ctx, unit, totalTokens);

  let attentionSec = 0;
  let attentionJoules = 0;
  for (const l of inputLens) {
    if (unit === "gpu") {
      const g = ctx.spec.gpu.numGpus;
      const c = gpuAttentionCost(ctx.gpu!, {
        numRequests: 1,
        numHeads: Math.ceil(ctx.shape.numHeads / g),
        numKvHeads: Math.ceil(ctx.shape.numKvHeads / g),
        headDim: ctx.shape.headDim,
        tlp: l,
        totalContextTokens: l,
        dtypeBytes: bytes,
      });
      attentionSec += c.timeSec * layers;
      attentionJoules += c.energyJoules * g * layers;
    } else {
      const c = pimAttentionCost(ctx.attnPim!, {
        numHeads: ctx.shape.numHeads,
        numKvHeads: ctx.shape.numKvHeads,
        headDim: ctx.shape.headDim,
        contextLens: [l],
        tlp: l,
        numStacks: ctx.spec.attnStacks.numStacks,
        dtypeBytes: bytes,
      });
      attentionSec += c.timeSec * layers;
      attentionJoules += c.energyJoules * layers;
    }
  }
  let communicationSec = f.comm.timeSec;
  let communicationJoules = f.comm.energyJoules;
  let attentionLinkBwSec = 0;
  if (unit === "gpu" && ctx.attnPim !== null) {
    const links = ctx.spec.links.numAttentionLinks;
    const perLinkBytes = (totalTokens * ctx.kvBytesPerToken) / links;
    const t = linkTransferCost(ctx.links.attention, perLinkBytes, layers);
    communicationSec += t.timeSec;
    attentionLinkBwSec = perLinkBytes / ctx.links.attention.bandwidthBytesPerSec;
    communicationJoules += t.energyJoules * links;
  }
  const p: PhaseCost = {
    fcSec: f.fc.timeSec,
    attentionSec,
    communicationSec,
    otherSec: f.other.timeSec,
    fcJoules: f.fc.energyJoules,
    attentionJoules,
    communicationJoules,
    otherJoules: f.other.energyJoules,
    attentionLinkBwSec,
  };
  return p;
}
