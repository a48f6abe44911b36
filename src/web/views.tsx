import { useMemo } from "preact/hooks";
import { systemLabel } from "../report/labels.ts";
import { energyByDeviceChart, latencyHistogram, pimPowerChart, schedulerChart, splitChart, systemsChart } from "../report/run-charts.ts";
import type { IterationRecord, RequestRecord } from "../serving/recorder.ts";
import { readableChanges, type RunResultWithDesign } from "../serving/design-diff.ts";
type RunResult = RunResultWithDesign;
import { Chart } from "./chart.tsx";
import { ExportPanel } from "./export-panel.tsx";
import type { Description, PimCheck, SystemRow } from "./protocol.ts";
import type { PageState } from "./url-state.ts";

/** The result pane: headline numbers (rounded as `papi run` prints them), the time/energy split, and the views. */
export interface RunData {
  result: RunResult;
  iterations: IterationRecord[];
  requests: RequestRecord[];
  pim: PimCheck[];
  configYaml: string;
  runMs: number;
}
interface Props {
  desc: Description;
  view: string;
  setView(v: string): void;
  run?: RunData;
  stale: boolean;
  error?: string;
  notice?: string;
  config: Record<string, unknown>;
  state: PageState;
  systems?: { rows: SystemRow[]; errors: string[]; ms: number };
}

const TABS: [string, string][] = [["scheduler", "Scheduler"], ["systems", "Six systems (Fig. 8)"], ["latency", "TTFT / TPOT"], ["pim", "PIM power & area"], ["export", "Export"]];

function Stat({ id, label, value, unit }: { id: string; label: string; value: string; unit: string }) {
  return (
    <div class="stat">
      <div class="stat-label">{label}</div>
      <div class="stat-value"><span id={id}>{value}</span> <span class="unit">{unit}</span></div>
    </div>
  );
}

const specText = (s: RunResult["spec"]) => (typeof s === "number" ? String(s) : Array.isArray(s) ? `cycled ${s.join(",")}` : `adaptive (target ${s.targetTokens}, max ${s.maxTlp})`);

export function Views({ desc: _desc, view, setView, run, stale, error, notice, config, state, systems }: Props) {
  const r = run?.result;
  const split = useMemo(() => (r ? splitChart(r, "Where the time and the energy go") : undefined), [r]);
  const byDevice = useMemo(() => (r ? energyByDeviceChart(r, "Energy by device and kind", false) : undefined), [r]);
  return (
    <section class={`results${stale ? " stale" : ""}`}>
      {error && <p id="error" class="error" role="alert">{error}</p>}
      {notice && <p class="notice">{notice}</p>}
      {r && (
        <>
          <p class="run-line" id="run-line">
            {r.system} · {r.model} · {r.trace} ({r.numRequests} requests) · {r.batching} batch {r.batch} · spec {specText(r.spec)} · scheduler {r.scheduler}
            {r.alpha === null ? "" : ` · alpha ${r.alpha}`} · <span class="hash">config <span id="config-hash">{r.configHash}</span></span>
          </p>
          <DesignLine r={r} />
          <div class="summary">
            <div class="stats">
            <Stat id="latency" label="latency" value={r.latencySec.toFixed(3)} unit="s" />
            <Stat id="tokens-per-sec" label="throughput" value={r.tokensPerSec.toFixed(1)} unit="tokens/s" />
            <Stat id="energy" label="energy" value={r.energyJoules.toFixed(1)} unit="J" />
            <Stat id="tokens-per-joule" label="efficiency" value={r.tokensPerJoule.toFixed(3)} unit="tokens/J" />
            <Stat id="fc-on-gpu" label="FC on GPU" value={`${r.fcOnGpuIterations} / ${r.iterations}`} unit={`iterations, ${r.fcSwitches} switches`} />
            </div>
            {split && <Chart id="chart-split" spec={split} />}
            {byDevice && <Chart id="chart-energy-by-device" spec={byDevice} />}
          </div>
        </>
      )}
      <nav class="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button role="tab" id={`tab-${id}`} aria-selected={view === id} class={view === id ? "active" : ""} onClick={() => setView(id)}>{label}</button>
        ))}
      </nav>
      <div class="view" id={`view-${view}`}>
        {run && view === "scheduler" && <SchedulerView run={run} />}
        {view === "systems" && <SystemsView systems={systems} r={r} />}
        {run && view === "latency" && <LatencyView run={run} />}
        {run && view === "pim" && <PimView checks={run.pim} />}
        {run && view === "export" && <ExportPanel run={run} config={config} state={state} systems={systems?.rows} />}
      </div>
    </section>
  );
}

/** The design under study: the preset and every field the run changed from it (the same list as `papi run`). */
function DesignLine({ r }: { r: RunResult }) {
  const d = r.designUnderStudy;
  const v = (x: unknown) => (x === undefined ? "(none)" : typeof x === "string" ? x : JSON.stringify(x));
  if (d.preset === null) return <p class="design" id="design-under-study">design under study: {r.system}, a system of its own (no preset to compare with)</p>;
  if (d.changes.length === 0) return <p class="design" id="design-under-study">design under study: the {d.preset} preset, unchanged</p>;
  return (
    <div class="design" id="design-under-study">
      design under study: the {d.preset} preset with
      <ul>
        {readableChanges(d, r.config.system).map((c) => (
          <li><code>{c.path}</code> = {v(c.value)} <span class="unit">(preset: {v(c.presetValue)})</span></li>
        ))}
      </ul>
    </div>
  );
}

function SchedulerView({ run }: { run: RunData }) {
  const r = run.result;
  const spec = useMemo(() => schedulerChart(run.iterations, r.alpha, `${systemLabel(r.system)}: RLP x TLP per decode iteration`), [run]);
  return (
    <>
      <Chart id="chart-scheduler" spec={spec} />
      <p class="hint">
        {r.alpha === null ? "FC has one home on this system." : `FC runs on the GPU when RLP x TLP > alpha = ${r.alpha}.`} {r.fcOnGpuIterations} of {r.iterations} iterations ran FC on the GPU,
        {" "}{r.fcOnPimIterations} on FC-PIM; the scheduler moved FC {r.fcSwitches} times.
        {run.iterations.length > 2000 ? ` The chart shows one iteration in ${Math.ceil(run.iterations.length / 2000)}.` : ""}
      </p>
    </>
  );
}

function SystemsView({ systems, r }: { systems?: { rows: SystemRow[]; errors: string[]; ms: number }; r?: RunResult }) {
  const spec = useMemo(
    () => (systems && r ? systemsChart(systems.rows, "The same point on every system (a column of Fig. 8)", `${r.model}, ${r.trace}, ${r.batching} batch ${r.batch}, spec ${specText(r.spec)}; dashed line = A100+AttAcc`) : undefined),
    [systems],
  );
  if (!systems) return <p class="hint">Running the six systems…</p>;
  return (
    <>
      {spec && <Chart id="chart-systems" spec={spec} />}
      <table id="systems-table">
        <thead><tr><th>system</th><th>latency (s)</th><th>tokens/s</th><th>energy (J)</th><th>tokens/J</th><th>speedup</th><th>energy eff.</th><th>FC on GPU</th></tr></thead>
        <tbody>
          {systems.rows.map((x) => (
            <tr>
              <td>{x.label}</td>
              <td>{x.latencySec.toFixed(3)}</td><td>{x.tokensPerSec.toFixed(1)}</td><td>{x.energyJoules.toFixed(1)}</td><td>{x.tokensPerJoule.toFixed(3)}</td>
              <td>{x.speedupVsA100Attacc.toFixed(2)}x</td><td>{x.energyEfficiencyVsA100Attacc.toFixed(2)}x</td><td>{(100 * x.fcOnGpuShare).toFixed(0)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
      {systems.errors.map((e) => <p class="error">{e}</p>)}
      <p class="hint">Each preset with its default scheduler and calibrated alpha; the hardware knobs, counts, scheduler and alpha of the panel apply to "yours" only. Worker time for the six systems: <span id="systems-ms">{systems.ms.toFixed(0)}</span> ms.</p>
    </>
  );
}

function LatencyView({ run }: { run: RunData }) {
  const r = run.result;
  const ttft = useMemo(() => latencyHistogram(run.requests, "ttftSec", "Time to first token"), [run]);
  const tpot = useMemo(() => latencyHistogram(run.requests, "tpotSec", "Time per output token"), [run]);
  const ms = (x: number) => (x * 1e3).toFixed(3);
  return (
    <>
      {r.batching === "static" && <p class="notice">Static batching: every request of a batch starts together, so TTFT is mostly waiting for earlier batches. Switch batching to continuous for serving latencies.</p>}
      <div class="pair">
        <Chart id="chart-ttft" spec={ttft} />
        <Chart id="chart-tpot" spec={tpot} />
      </div>
      <table>
        <thead><tr><th></th><th>mean</th><th>p50</th><th>p90</th><th>p99</th></tr></thead>
        <tbody>
          <tr><td>TTFT (s)</td><td>{r.ttftSec.mean.toFixed(3)}</td><td>{r.ttftSec.p50.toFixed(3)}</td><td>{r.ttftSec.p90.toFixed(3)}</td><td>{r.ttftSec.p99.toFixed(3)}</td></tr>
          <tr><td>TPOT (ms)</td><td>{ms(r.tpotSec.mean)}</td><td>{ms(r.tpotSec.p50)}</td><td>{ms(r.tpotSec.p90)}</td><td>{ms(r.tpotSec.p99)}</td></tr>
        </tbody>
      </table>
      {r.slo && (
        <p id="slo">
          SLO (TTFT ≤ {r.slo.ttftTargetSec ?? "∞"} s, TPOT ≤ {r.slo.tpotTargetSec === null ? "∞" : ms(r.slo.tpotTargetSec)} ms): attainment <b>{(r.slo.attainment * 100).toFixed(1)} %</b>
          {" "}(TTFT {(r.slo.ttftAttainment * 100).toFixed(1)} %, TPOT {(r.slo.tpotAttainment * 100).toFixed(1)} %), goodput <b>{r.slo.goodputRequestsPerSec.toFixed(3)} requests/s</b> of {r.requestsPerSec.toFixed(3)}
        </p>
      )}
    </>
  );
}

function PimView({ checks }: { checks: PimCheck[] }) {
  if (checks.length === 0) return <p class="hint">This system has no PIM stacks.</p>;
  return (
    <>
      {checks.map((c) => (
        <div class="pim-check">
          <h3>{c.role}: {c.design} ({c.label})</h3>
          <p>
            Area rule per HBM die: {c.banksPerDie} banks x ({c.fpusPerBank} FPU/bank x FPU area + bank area) = <b>{c.dieAreaMm2.toFixed(1)} mm²</b> of {c.maxDieAreaMm2} mm²
            {" "}({c.dieAreaMm2 <= c.maxDieAreaMm2 ? "fits" : "does not fit"}; at most {c.maxBanksPerDie} banks fit).
            {" "}Power: {c.power.filter((p) => p.fpuPeakWithinBudget).map((p) => p.reuse).join(", ") || "no"} of the reuse levels fit the {c.budgetWatts} W budget with every FPU busy.
          </p>
          <PimChart check={c} />
        </div>
      ))}
    </>
  );
}

function PimChart({ check: c }: { check: PimCheck }) {
  const spec = useMemo(() => pimPowerChart(c.power, c.budgetWatts, `${c.role} (${c.label}) power per stack vs reuse`), [c]);
  return <Chart id={`chart-pim-${c.role === "FC-PIM" ? "fc" : "attn"}`} spec={spec} />;
}
