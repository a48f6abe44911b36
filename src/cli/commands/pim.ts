import type { Command } from "commander";
import type { KernelOpts } from "../actions/pim.ts";

/** `papi pim`: one PIM kernel from DRAM commands; `papi pim power`; `papi pim area`. */

/** commander hands flags shared with `pim` (--design, --json) to the parent; take them from there too. */
function inherited(cmd: Command, o: { design?: string; json?: boolean }): { design?: string; json?: boolean } {
  const p = (cmd.parent?.opts() ?? {}) as { design?: string; json?: boolean };
  return { design: o.design ?? p.design, json: Boolean(o.json || p.json) };
}

export function registerPim(program: Command): void {
  const pim = program
    .command("pim")
    .description("cost of one PIM kernel from HBM3 DRAM commands (subcommands: power, area)")
    .option("--design <name|file>", "PIM design preset (fc-pim, attn-pim, attacc, hbm-pim, 2p1b; `papi presets pim`) or a JSON/YAML file (default fc-pim)")
    .option("--kernel <fc|attention>", "kernel", "fc")
    .option("--m <n>", "fc: tokens (reuse of each weight)")
    .option("--k <n>", "fc: input features")
    .option("--n <n>", "fc: output features")
    .option("--heads <n>", "attention: query heads")
    .option("--kv-heads <n>", "attention: KV heads (default: --heads)")
    .option("--head-dim <n>", "attention: head dimension")
    .option("--context <L[,L...]>", "attention: context length (one, or one per request)")
    .option("--tlp <n>", "attention: query tokens per request", "1")
    .option("--requests <n>", "attention: requests in the batch", "1")
    .option("--stacks <n>", "PIM stacks the kernel is spread over", "1")
    .option("--dtype-bytes <n>", "bytes per value", "2")
    .option("--json", "print JSON")
    .action(async (o: KernelOpts) => (await import("../actions/pim.ts")).runKernel(o));
  pim
    .command("power")
    .description("per-stack power vs the budget at each weight-reuse level (default designs: 1P1B, 2P1B, 4P1B)")
    .option("--design <names>", "comma-separated design presets or files")
    .option("--reuse <list>", "reuse levels", "1,2,4,8,16,32,64")
    .option("--budget <watts>", "power budget per stack (default: the design's)")
    .option("--json", "print JSON")
    .action(async (o: { design?: string; reuse: string; budget?: string; json?: boolean }, cmd: Command) =>
      (await import("../actions/pim.ts")).runPower({ ...o, ...inherited(cmd, o) }));
  pim
    .command("area")
    .description("largest bank count per HBM die for 1P2B/1P1B/2P1B/4P1B under the paper's area rule")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }, cmd: Command) => (await import("../actions/pim.ts")).runArea({ json: inherited(cmd, o).json }));
}
