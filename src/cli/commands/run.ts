import type { Command } from "commander";
import type { RunResultWithDesign } from "../../serving/design-diff.ts";
import { UserError } from "../../core/errors.ts";
import { out, printJson } from "../io.ts";
import { addServingFlags, addSystemFlags, configSources } from "../run-flags.ts";

/** The design under study as text lines: the preset, then one indented line per overridden field. */
async function designLines(r: RunResultWithDesign): Promise<string[]> {
  const { assumptionLine, formatDesignChanges } = await import("../../serving/design-diff.ts");
  const d = r.designUnderStudy;
  // the assumptions when the run departs from the defaults: they change the numbers as much as a device does
  const assumptions = assumptionLine(r.config.profile, r.config.assumptions);
  const more = assumptions === null ? [] : [`assumptions        ${assumptions}`];
  if (d.preset === null) return [`design under study  ${r.system}: a system of its own (no preset to compare with)`, ...more];
  if (d.changes.length === 0) return [`design under study  ${d.preset} preset, unchanged`, ...more];
  const lines = formatDesignChanges(d, r.config.system);
  return [`design under study  ${d.preset} preset with ${lines.length} change${lines.length === 1 ? "" : "s"}:`, ...lines.map((l) => `  ${l}`), ...more];
}

function formatRun(r: RunResultWithDesign, design: string[]): string {
  const ms = (x: number) => (x * 1e3).toFixed(3);
  const spec = typeof r.spec === "object" && !Array.isArray(r.spec) ? `adaptive (target ${r.spec.targetTokens}, max ${r.spec.maxTlp})` : String(r.spec);
  const lines = [
    `system ${r.system}  model ${r.model}  trace ${r.trace} (${r.numRequests} requests)  ${r.batching} batch ${r.batch}  spec ${spec}`,
    ...design,
    `scheduler ${r.scheduler}${r.alpha === null ? "" : `  alpha ${r.alpha}`}${r.acceptanceRate === null ? "" : `  acceptance ${r.acceptanceRate}`}`,
    `latency            ${r.latencySec.toFixed(3)} s  (prefill ${r.prefillSec.toFixed(3)} s, decode ${r.decodeSec.toFixed(3)} s, idle ${r.idleSec.toFixed(3)} s)`,
    `tokens             ${r.generatedTokens}  (${r.tokensPerSec.toFixed(1)} tokens/s)`,
    `energy             ${r.energyJoules.toFixed(1)} J  (${r.tokensPerJoule.toFixed(3)} tokens/J)`,
    `iterations         ${r.iterations}  (FC ${Object.entries(r.fcIterationsByUnit).map(([u, n]) => `on ${u} ${n}`).join(", ")}, ${r.fcSwitches} switches)`,
    `decode step mean   ${ms(r.decodeStepSecMean)} ms`,
    `per token (ms)     FC ${ms(r.perTokenSec.fc)}  attention ${ms(r.perTokenSec.attention)}  communication ${ms(r.perTokenSec.communication)}  other ${ms(r.perTokenSec.other)}${r.perTokenSec.draft > 0 ? `  draft ${ms(r.perTokenSec.draft)}` : ""}`,
    `energy by device   ${Object.entries(r.energyByDevice).filter(([, d]) => d.total > 0).map(([n, d]) => `${n} ${(d.total / r.energyJoules * 100).toFixed(1)} %`).join("  ")}`,
    `energy by kind     ${(["compute", "dram", "transfer", "static", "refresh"] as const).map((k) => `${k} ${(r.energyByKind[k] / r.energyJoules * 100).toFixed(1)} %`).join("  ")}`,
  ];
  if (r.batching !== "static") {
    lines.push(`TTFT (s)           p50 ${r.ttftSec.p50.toFixed(3)}  p90 ${r.ttftSec.p90.toFixed(3)}  p99 ${r.ttftSec.p99.toFixed(3)}`);
    lines.push(`TPOT (ms)          p50 ${ms(r.tpotSec.p50)}  p90 ${ms(r.tpotSec.p90)}  p99 ${ms(r.tpotSec.p99)}`);
  }
  const s = r.serving;
  if (s.replicas.length > 1 || r.preemptions > 0) {
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const pools = s.utilization.prefill === null ? `utilization ${pct(s.utilization.decode)}` : `utilization: prefill pool ${pct(s.utilization.prefill)}, decode pool ${pct(s.utilization.decode)}`;
    lines.push(`serving            ${s.replicas.length} replica(s)  ${pools}  preemptions ${r.preemptions} (recompute ${s.preemptionsRecompute}, swap ${s.preemptionsSwap})`);
  }
  if (s.kvTransfers > 0) lines.push(`KV hand-offs       ${s.kvTransfers}  (${(s.kvTransferBytes / 1e9).toFixed(2)} GB, ${s.kvTransferSec.toFixed(3)} s on the links)`);
  if (r.slo) {
    const t = r.slo;
    lines.push(`SLO                TTFT <= ${t.ttftTargetSec ?? "inf"} s, TPOT <= ${t.tpotTargetSec === null ? "inf" : ms(t.tpotTargetSec)} ms: attainment ${(t.attainment * 100).toFixed(1)} % (TTFT ${(t.ttftAttainment * 100).toFixed(1)} %, TPOT ${(t.tpotAttainment * 100).toFixed(1)} %)`);
    lines.push(`goodput            ${t.goodputRequestsPerSec.toFixed(3)} requests/s  (of ${r.requestsPerSec.toFixed(3)} requests/s)`);
  }
  return lines.join("\n") + "\n";
}

export function registerRun(program: Command): void {
  addServingFlags(addSystemFlags(program.command("run").description("serve a trace on a system and report latency, energy and the FC placement")))
    .option("--json", "print the result (with the resolved config) as JSON")
    .option("--timeline [file]", "write a Chrome trace-event JSON (Perfetto) of iterations and kernels to a file ('-' = stdout); with --out and no file: DIR/timeline.json")
    .option("--out <dir>", "keep the run in a folder: config.yaml (resolved), summary.json, requests.csv, iterations.csv, index.html")
    .action(async (o: Record<string, unknown>) => {
      // one run checks its config once: zod's compiled fast path of an object schema (code generated and compiled on
      // its first parse) costs more than it saves then (papi run's start-up CPU: 0.33 -> 0.31 s at load 13); runs by the
      // thousand (sweeps, reproduce) keep it
      const { z } = await import("zod");
      z.config({ jitless: true });
      const { loadRunConfig } = await import("../../node/run-config.ts");
      const { nodeLoader } = await import("../../node/loader.ts");
      const { runOnce } = await import("../../serving/run.ts");
      const { withDesignUnderStudy } = await import("../../serving/design-diff.ts");
      const { Timeline } = await import("../../serving/timeline.ts");
      const { RunRecorder } = await import("../../serving/recorder.ts");
      const { checkOutputFolder, fileTarget, labelOf, writeOutputFile, writesToStdout } = await import("../../node/output.ts");
      const { config, baseDir } = loadRunConfig(configSources(o));
      const timelineToStdout = typeof o.timeline === "string" && writesToStdout(o.timeline);
      if (timelineToStdout && o.json) throw new UserError(`--timeline ${o.timeline} and --json both write to stdout; give --timeline a file`);
      if (o.timeline === true && o.out === undefined) throw new UserError("--timeline needs a file name (or --out DIR to write DIR/timeline.json)");
      // refuse an output papi may not write before the run, not after it
      if (o.out !== undefined) checkOutputFolder(String(o.out), "run");
      if (typeof o.timeline === "string") fileTarget(o.timeline, labelOf("--timeline", o.timeline));
      const timeline = o.timeline !== undefined || o.out !== undefined ? new Timeline() : undefined;
      const recorder = o.out !== undefined ? new RunRecorder() : undefined;
      const r = withDesignUnderStudy(runOnce(config, { loader: nodeLoader(baseDir), timeline, recorder }), config.system);
      const { absoluteTracePath } = await import("../../node/traces.ts");
      r.config.trace = absoluteTracePath(r.config.trace, baseDir);
      if (o.out !== undefined) {
        const { writeRunFolder } = await import("../../report/run-folder.ts");
        await writeRunFolder(String(o.out), r, recorder!, o.timeline === true ? timeline : undefined);
      }
      if (typeof o.timeline === "string") writeOutputFile(o.timeline, timeline!.toJson(`papi ${r.system} ${r.model} ${r.trace}`), "--timeline");
      if (o.json) printJson(r);
      else if (!timelineToStdout) out(formatRun(r, await designLines(r)));
    });
}
