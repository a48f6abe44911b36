import { gpuPrefillAttentionCost } from "../hardware/gpu/cost.ts";
import { linkTransferCost } from "../hardware/links/cost.ts";
import { pimAttentionCost } from "../hardware/pim/cost.ts";
import type { SystemContext } from "./build.ts";
import { fcLayersCost, lmHeadCost } from "./fc-iteration.ts";
import { attentionTransferCost, type PhaseCost } from "./step-cost.ts";

/**
 * Prefill of a group of requests that start together: one pass over all their prompt tokens on the host unit
 * (GPU, or the PIM stacks in a PIM-only system) and causal attention over each prompt. The LM head runs for the
 * last prompt token of each request only (it produces the request's first output token; engines compute no
 * other prompt logits). Where the KV cache lives on attention stacks it has to get there:
 * - host GPU: attention runs on the GPUs, then the prompt's K and V cross the attention links (one message per
 *   layer and link);
 * - PIM-only: attention runs on the attention stacks, so Q, K and V cross to them and the output comes back,
 *   exactly as in decoding (attentionTransferCost).
 * Energies are dynamic (static power: static-power.ts).
 */
export function prefillCost(ctx: SystemContext, inputLens: readonly number[]): PhaseCost {
  const layers = ctx.model.num_hidden_layers;
  const { dtypeBytes, numHeads, numKvHeads, headDim } = ctx.shape;
  let totalTokens = 0;
  for (const l of inputLens) totalTokens += l;
  const unit = ctx.spec.hostUnit;
  const body = fcLayersCost(ctx, unit, totalTokens);
  const head = lmHeadCost(ctx, unit, inputLens.length);

  let attentionSec = 0;
  let attentionJoules = 0;
  for (const l of inputLens) {
    if (unit === "gpu") {
      const g = ctx.spec.gpu.numGpus;
      const c = gpuPrefillAttentionCost(ctx.gpu!, {
        numHeads: Math.ceil(numHeads / g),
        numKvHeads: Math.ceil(numKvHeads / g),
        headDim,
        numPromptTokens: l,
        dtypeBytes,
      });
      attentionSec += c.timeSec * layers;
      attentionJoules += c.energyJoules * g * layers;
    } else {
      const c = pimAttentionCost(ctx.attnPim!, { numHeads, numKvHeads, headDim, contextLens: [l], tlp: l, numStacks: ctx.spec.attnStacks.numStacks, dtypeBytes });
      attentionSec += c.timeSec * layers;
      attentionJoules += (c.energyJoules - c.energyBreakdownJoules.background) * layers;
    }
  }
  let communicationSec = body.comm.timeSec + head.comm.timeSec;
  let communicationJoules = body.comm.energyJoules + head.comm.energyJoules;
  let attentionLinkBwSec = 0;
  if (unit === "gpu" && ctx.attnPim !== null) {
    const links = ctx.spec.links.numAttentionLinks;
    const perLinkBytes = (totalTokens * ctx.kvBytesPerToken) / links;
    const t = linkTransferCost(ctx.links.attention, perLinkBytes, layers);
    communicationSec += t.timeSec;
    communicationJoules += t.energyJoules * links;
    attentionLinkBwSec = perLinkBytes / ctx.links.attention.bandwidthBytesPerSec;
  } else if (unit === "pim") {
    const t = attentionTransferCost(ctx, totalTokens);
    communicationSec += t.cost.timeSec;
    communicationJoules += t.cost.energyJoules;
    attentionLinkBwSec = t.linkBwSec;
  }
  return {
    fcSec: body.fc.timeSec + head.fc.timeSec,
    attentionSec,
    communicationSec,
    otherSec: body.other.timeSec + head.other.timeSec,
    fcJoules: body.fc.energyJoules + head.fc.energyJoules,
    attentionJoules,
    communicationJoules,
    otherJoules: body.other.energyJoules + head.other.energyJoules,
    attentionLinkBwSec,
  };
}
