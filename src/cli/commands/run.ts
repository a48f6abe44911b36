import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write.ts";
import { readDataFile } from "../../core/json-file.ts";
import { UserError } from "../../core/errors.ts";
import { runOnce, parseRunConfig, type RunResult } from "../../serving/run.ts";
import { Timeline } from "../../serving/timeline.ts";
import { parseNonNegativeInt, parseNonNegativeNumber, parsePositiveInt, parsePositiveIntList, printJson } from "../args.ts";

/** Flags shared by `run` and `calibrate`: the system, its device counts and the model. */
export function addSystemFlags(cmd: Command): Command {
  return cmd
    .option("--system <name>", "system preset (gpu-only, a100-attacc, a100-hbmpim, attacc-only, papi, pim-only-papi)")
    .option("--model <name|path>", "model preset or Hugging Face config.json")
    .option("--gpus <n>", "number of GPUs")
    .option("--fc-stacks <n>", "number of HBM stacks holding FC weights")
    .option("--attn-stacks <n>", "number of attention stacks")
    .option("--config <file>", "run config (YAML or JSON; see `papi schema`); flags override it");
}

/** Merges a config file and the flags given on the command line into one raw run config. */
export function rawRunConfig(o: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const base = o.config ? readDataFile(String(o.config)) : {};
  if (typeof base !== "object" || base === null || Array.isArray(base)) throw new UserError(`${o.config}: expected a mapping at the top level`);
  const c: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  const s = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
  if (s("system")) c.system = s("system");
  if (s("model")) c.model = s("model");
  if (s("trace")) c.trace = s("trace");
  if (s("requests")) c.requests = parsePositiveInt("--requests", s("requests"));
  if (s("rate")) c.ratePerSec = parseNonNegativeNumber("--rate", s("rate"));
  if (s("batching")) c.batching = s("batching");
  if (s("batch")) c.batch = parsePositiveInt("--batch", s("batch"));
  if (s("spec")) {
    const v = s("spec")!;
    const m = /^adaptive:(.*):(.*)$/.exec(v);
    if (m) c.spec = { targetTokens: parsePositiveInt("--spec adaptive TARGET", m[1]), maxTlp: parsePositiveInt("--spec adaptive MAX", m[2]) };
    else {
      const list = parsePositiveIntList("--spec", v);
      c.spec = list.length === 1 ? list[0] : list;
    }
  }
  if (s("acceptance")) {
    const a = parseNonNegativeNumber("--acceptance", s("acceptance"));
    if (a <= 0 || a > 1) throw new UserError(`--acceptance must be in (0, 1], got "${s("acceptance")}"`);
    c.acceptanceRate = a;
  }
  if (s("scheduler")) c.scheduler = s("scheduler");
  if (s("alpha")) c.alpha = parseNonNegativeNumber("--alpha", s("alpha"));
  if (s("seed")) c.seed = parseNonNegativeInt("--seed", s("seed"));
  if (s("gpus")) c.gpus = parseNonNegativeInt("--gpus", s("gpus"));
  if (s("fcStacks")) c.fcStacks = parsePositiveInt("--fc-stacks", s("fcStacks"));
  if (s("attnStacks")) c.attnStacks = parseNonNegativeInt("--attn-stacks", s("attnStacks"));
  return c;
}

function printRun(r: RunResult): void {
  const ms = (x: number) => (x * 1e3).toFixed(3);
  const lines = [
    `system ${r.system}  model ${r.model}  trace ${r.trace} (${r.numRequests} requests)  ${r.batching} batch ${r.batch}  spec ${typeof r.spec === "object" && !Array.isArray(r.spec) ? `adaptive (target ${r.spec.targetTokens}, max ${r.spec.maxTlp})` : r.spec}`,
    `scheduler ${r.scheduler}${r.alpha === null ? "" : `  alpha ${r.alpha}`}`,
    `latency            ${r.latencySec.toFixed(3)} s  (prefill ${r.prefillSec.toFixed(3)} s, decode ${r.decodeSec.toFixed(3)} s, idle ${r.idleSec.toFixed(3)} s)`,
    `tokens             ${r.generatedTokens}  (${r.tokensPerSec.toFixed(1)} tokens/s)`,
    `energy             ${r.energyJoules.toFixed(1)} J  (${r.tokensPerJoule.toFixed(3)} tokens/J)`,
    `iterations         ${r.iterations}  (FC on GPU ${r.fcOnGpuIterations}, on FC-PIM ${r.fcOnPimIterations}, ${r.fcSwitches} switches)`,
    `decode step mean   ${ms(r.decodeStepSecMean)} ms`,
    `per token (ms)     FC ${ms(r.perTokenSec.fc)}  attention ${ms(r.perTokenSec.attention)}  communication ${ms(r.perTokenSec.communication)}  other ${ms(r.perTokenSec.other)}`,
  ];
  if (r.batching === "continuous") {
    lines.push(`TTFT (s)           p50 ${r.ttftSec.p50.toFixed(3)}  p90 ${r.ttftSec.p90.toFixed(3)}  p99 ${r.ttftSec.p99.toFixed(3)}`);
    lines.push(`TPOT (ms)          p50 ${ms(r.tpotSec.p50)}  p90 ${ms(r.tpotSec.p90)}  p99 ${ms(r.tpotSec.p99)}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
}

export function registerRun(program: Command): void {
  addSystemFlags(program.command("run").description("serve a trace on a system and report latency, energy and the FC placement"))
    .option("--trace <name|path>", "dolly-creative, dolly-openqa, azure-conv, azure-code, fixed:LIN:LOUT, or a CSV file")
    .option("--requests <n>", "take the first N requests (default: all)")
    .option("--rate <perSec>", "Poisson arrivals for traces without arrival times")
    .option("--batching <kind>", "static (the paper's) or continuous")
    .option("--batch <n>", "batch size / max requests in flight")
    .option("--spec <n[,n...]|adaptive:T:M>", "speculation length (TLP); a list cycles per iteration; adaptive:T:M keeps RLP x TLP near T (TLP <= M)")
    .option("--acceptance <p>", "draft-token acceptance probability (default: ideal, all accepted)")
    .option("--scheduler <name>", "papi | oracle | static-gpu | static-pim")
    .option("--alpha <n>", "PAPI threshold (default: calibrated)")
    .option("--seed <n>", "random seed")
    .option("--json", "print the result as JSON")
    .option("--timeline <file>", "write a Chrome trace-event JSON (Perfetto) of iterations and kernels")
    .action((o: Record<string, string | boolean | undefined>) => {
      const cfg = parseRunConfig(rawRunConfig(o));
      const timeline = o.timeline ? new Timeline() : undefined;
      const r = runOnce(cfg, { timeline });
      if (timeline) writeFileAtomic(String(o.timeline), timeline.toJson(`papi ${r.system} ${r.model} ${r.trace}`));
      if (o.json) printJson(r);
      else printRun(r);
    });
}
