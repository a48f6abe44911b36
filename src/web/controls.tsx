import { roleDevices } from "../systems/devices.ts";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { SystemSpec } from "../systems/schema.ts";
import type { Upload } from "./app.tsx";
import type { Description } from "./protocol.ts";
import { getPath, type PageState } from "./url-state.ts";

/**
 * The control panel. Each control writes one run-config path (the same path `--set` takes); what it shows is the
 * config's value, else the default, else the resolved system's. Validation happens in the worker with the CLI's
 * schemas, so a value out of range shows the CLI's one-line message rather than being clamped here.
 */
interface Actions {
  set(path: string, value: unknown): void;
  upload(u: Upload): void;
  reset(): void;
}
interface Props {
  desc: Description;
  config: Record<string, unknown>;
  state: PageState;
  resolved?: SystemSpec;
  actions: Actions;
  uploadError?: string;
}

const num = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

function Field({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <label class="field" title={hint}>
      <span>{label}</span>
      {children}
    </label>
  );
}

function Select({ id, value, options, onChange, disabled }: { id: string; value: string; options: (string | [string, string])[]; onChange: (v: string) => void; disabled?: boolean }) {
  return (
    <select id={id} value={value} disabled={disabled} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
      {options.map((o) => (Array.isArray(o) ? <option value={o[0]}>{o[1]}</option> : <option value={o}>{o}</option>))}
    </select>
  );
}

/** A number box, with a slider beside it when `range` is given; empty means "not set". */
function NumberInput({ id, value, onChange, range, step, placeholder, disabled }: {
  id: string; value: number | undefined; onChange: (v: number | undefined) => void; range?: [number, number]; step?: number; placeholder?: string; disabled?: boolean;
}) {
  const commit = (e: Event) => onChange(num((e.target as HTMLInputElement).value));
  return (
    <span class="number">
      {range && <input type="range" id={`${id}-range`} min={range[0]} max={range[1]} step={step ?? 1} value={value ?? range[0]} disabled={disabled} onInput={commit} />}
      <input type="number" id={id} value={value ?? ""} step={step ?? "any"} placeholder={placeholder} disabled={disabled} onChange={commit} />
    </span>
  );
}

function FileButton({ id, label, accept, onFile }: { id: string; label: string; accept: string; onFile: (name: string, text: string) => void }) {
  return (
    <label class="file">
      {label}
      <input type="file" id={id} accept={accept} onChange={async (e) => {
        const input = e.target as HTMLInputElement;
        const f = input.files?.[0];
        if (f) onFile(f.name, await f.text());
        input.value = "";
      }} />
    </label>
  );
}

export function Controls({ desc, config, state, resolved, actions, uploadError }: Props) {
  const { set } = actions;
  const [pasted, setPasted] = useState("");
  const d = desc.defaults;
  const val = (path: string) => getPath(config, path) ?? getPath(d, path);
  const systemName = typeof config.system === "string" ? config.system : config.system === undefined ? String(d.system) : "custom";
  const spec = resolved ?? (desc.presetSpecs[systemName] as SystemSpec | undefined);
  const modelValue = typeof config.model === "object" ? "uploaded" : String(val("model"));
  const traceValue = String(val("trace"));
  const builtInTrace = desc.traces.some((t) => t.name === traceValue);
  const uploadedTrace = state.trace?.fileName === traceValue;
  const specValue = val("spec");
  const specMode = Array.isArray(specValue) ? "cycled" : typeof specValue === "object" ? "adaptive" : "fixed";
  const dev = spec ? roleDevices(spec) : undefined;
  const fcDesign = dev?.fcPim;
  const attnDesign = dev?.attnPim;
  const hw = (path: string) => `hardware.${path}`;
  const hwShown = (path: string, fallback: unknown) => getPath(config, hw(path)) ?? fallback;

  return (
    <aside class="controls">
      <section>
        <h2>System</h2>
        <Field label="system" hint="the six systems of the paper's evaluation">
          <Select id="system" value={systemName} onChange={(v) => set("system", v)}
            options={[...desc.systems.map((s): [string, string] => [s.name, s.name]), ...(systemName === "custom" ? [["custom", "custom (from a config)"] as [string, string]] : [])]} />
        </Field>
        {/* the run's own description: marked "(preset description)" once an override changed what it describes */}
        <p class="hint" id="system-description">{(resolved?.name === systemName ? resolved.description : undefined) ?? desc.systems.find((s) => s.name === systemName)?.description ?? "a system described in the config"}</p>
        <details>
          <summary>paste or upload a run config</summary>
          <textarea id="config-text" rows={6} placeholder={"system: { preset: papi, fcStacks: { numStacks: 20 } }\nbatch: 64\nspec: 4"} value={pasted} onInput={(e) => setPasted((e.target as HTMLTextAreaElement).value)} />
          <div class="row">
            <button id="config-apply" onClick={() => actions.upload({ kind: "config", fileName: "pasted.yaml", text: pasted })}>apply</button>
            <FileButton id="config-file" label="upload .yaml/.json" accept=".yaml,.yml,.json" onFile={(fileName, text) => actions.upload({ kind: "config", fileName, text })} />
            <button id="reset" onClick={actions.reset}>reset all</button>
          </div>
        </details>
      </section>

      <section>
        <h2>Workload</h2>
        <Field label="model">
          <Select id="model" value={modelValue} onChange={(v) => set("model", v)}
            options={[...desc.models, ...(modelValue === "uploaded" ? [["uploaded", `uploaded: ${String((config.model as Record<string, unknown>).name ?? "model")}`] as [string, string]] : [])]} />
        </Field>
        <FileButton id="model-file" label="upload a Hugging Face config.json" accept=".json,.yaml,.yml" onFile={(fileName, text) => actions.upload({ kind: "model", fileName, text })} />
        <Field label="trace">
          <Select id="trace" value={builtInTrace ? traceValue : uploadedTrace ? "uploaded" : "synthetic"} onChange={(v) => set("trace", v === "synthetic" ? "fixed:128:128" : v)}
            options={[...desc.traces.map((t): [string, string] => [t.name, t.name]), ["synthetic", "synthetic…"], ...(uploadedTrace ? [["uploaded", `uploaded: ${traceValue}`] as [string, string]] : [])]} />
        </Field>
        {!builtInTrace && !uploadedTrace && (
          <Field label="synthetic spec" hint="fixed:LIN:LOUT, uniform:..., lognormal:...">
            <input id="trace-spec" value={traceValue} onChange={(e) => set("trace", (e.target as HTMLInputElement).value)} />
          </Field>
        )}
        <FileButton id="trace-file" label="upload a trace CSV" accept=".csv,.txt" onFile={(fileName, text) => actions.upload({ kind: "trace", fileName, text })} />
        <Field label="requests" hint="first N requests of the trace (empty: all)">
          <NumberInput id="requests" value={config.requests as number | undefined} placeholder="all" onChange={(v) => set("requests", v)} />
        </Field>
        {uploadError && <p id="upload-error" class="error" role="alert">{uploadError}</p>}
      </section>

      <section>
        <h2>Serving</h2>
        <Field label="batching">
          <Select id="batching" value={String(val("batching"))} options={desc.batchings} onChange={(v) => set("batching", v)} />
        </Field>
        <Field label="batch (RLP)" hint="batch size (static) or max requests in flight (continuous)">
          <NumberInput id="batch" value={val("batch") as number} range={[1, 256]} onChange={(v) => set("batch", v)} />
        </Field>
        <Field label="arrival rate /s" hint="Poisson arrivals (empty: the trace's)">
          <NumberInput id="rate" value={config.ratePerSec as number | undefined} placeholder="trace" onChange={(v) => set("ratePerSec", v)} />
        </Field>
        <Field label="speculation">
          <Select id="spec-mode" value={specMode} options={[["fixed", "fixed TLP"], ["cycled", "cycled list"], ["adaptive", "adaptive"]]}
            onChange={(m) => set("spec", m === "fixed" ? 4 : m === "cycled" ? [1, 2, 4] : { targetTokens: 64, maxTlp: 8 })} />
        </Field>
        {specMode === "fixed" && (
          <Field label="speculation length (TLP)">
            <NumberInput id="spec" value={specValue as number} range={[1, 16]} onChange={(v) => set("spec", v)} />
          </Field>
        )}
        {specMode === "cycled" && (
          <Field label="TLP per iteration" hint="comma-separated, cycled">
            <input id="spec-list" value={(specValue as number[]).join(",")} onChange={(e) => set("spec", (e.target as HTMLInputElement).value.split(",").map((x) => Number(x.trim())))} />
          </Field>
        )}
        {specMode === "adaptive" && (
          <>
            <Field label="target RLP x TLP"><NumberInput id="spec-target" value={(specValue as { targetTokens: number }).targetTokens} onChange={(v) => set("spec.targetTokens", v)} /></Field>
            <Field label="max TLP"><NumberInput id="spec-max" value={(specValue as { maxTlp: number }).maxTlp} onChange={(v) => set("spec.maxTlp", v)} /></Field>
          </>
        )}
        <Field label="acceptance rate" hint="per-token draft acceptance (empty: ideal, every token accepted)">
          <NumberInput id="acceptance" value={config.acceptanceRate as number | undefined} range={[0.05, 1]} step={0.05} placeholder="ideal" onChange={(v) => set("acceptanceRate", v)} />
        </Field>
        <Field label="assumption profile" hint="papi: papi's best physical estimate; attacc-toolchain: the paper's toolchain as reconstructed from AttAcc's simulator (applies to every system of the comparison)">
          <Select id="profile" value={String(val("profile"))} options={desc.profiles} onChange={(v) => set("profile", v)} />
        </Field>
        <Field label="scheduler">
          <Select id="scheduler" value={String(config.scheduler ?? "")} options={[["", "default"], ...desc.schedulers.map((s): [string, string] => [s, s])]} onChange={(v) => set("scheduler", v === "" ? undefined : v)} />
        </Field>
        <Field label="alpha" hint="PAPI's threshold on RLP x TLP (empty: calibrated by the offline sweep)">
          <NumberInput id="alpha" value={config.alpha as number | undefined} placeholder="calibrated" onChange={(v) => set("alpha", v)} />
        </Field>
        <Field label="seed"><NumberInput id="seed" value={val("seed") as number} onChange={(v) => set("seed", v)} /></Field>
      </section>

      <section>
        <h2>Hardware</h2>
        <Field label="GPU">
          <Select id="gpu" value={String(typeof getPath(config, hw("gpu")) === "string" ? getPath(config, hw("gpu")) : dev?.gpu?.name ?? "")} options={desc.gpus} onChange={(v) => set(hw("gpu"), v)} />
        </Field>
        <Field label="GPUs"><NumberInput id="gpus" value={(config.gpus as number | undefined) ?? dev?.numGpus} onChange={(v) => set("gpus", v)} /></Field>
        <h3>FC stacks {fcDesign ? `(FC-PIM ${fcDesign.numFpus}P${fcDesign.numBanksPerFpuGroup}B)` : "(plain HBM: no FC-PIM)"}</h3>
        <Field label="FC stacks"><NumberInput id="fc-stacks" value={(config.fcStacks as number | undefined) ?? dev?.numFcStacks} onChange={(v) => set("fcStacks", v)} /></Field>
        <Field label="FC-PIM design">
          <Select id="fcpim-design" disabled={!fcDesign} value={fcDesign?.name ?? ""} options={fcDesign ? desc.pimDesigns : [""]} onChange={(v) => set(hw("fcPim"), v)} />
        </Field>
        <Field label="FPUs per bank group (x of xPyB)">
          <NumberInput id="fcpim-fpus" disabled={!fcDesign} value={hwShown("fcPim.numFpus", fcDesign?.numFpus) as number} range={[1, 8]} onChange={(v) => set(hw("fcPim.numFpus"), v)} />
        </Field>
        <Field label="banks per FPU group (y of xPyB)">
          <Select id="fcpim-banks" disabled={!fcDesign} value={String(hwShown("fcPim.numBanksPerFpuGroup", fcDesign?.numBanksPerFpuGroup ?? 1))} options={["1", "2", "4"]} onChange={(v) => set(hw("fcPim.numBanksPerFpuGroup"), Number(v))} />
        </Field>
        <Field label="bank groups kept (of 4)">
          <NumberInput id="fcpim-bankgroups" disabled={!fcDesign} value={hwShown("fcPim.numEnabledBankGroups", fcDesign?.numEnabledBankGroups) as number} range={[1, 4]} onChange={(v) => set(hw("fcPim.numEnabledBankGroups"), v)} />
        </Field>
        {Object.entries(desc.pimEnumFields).map(([field, options]) => (
          <Field label={field.replace(/([A-Z])/g, " $1").toLowerCase()}>
            <Select id={`fcpim-${field}`} disabled={!fcDesign} value={String(hwShown(`fcPim.${field}`, (fcDesign as Record<string, unknown> | null | undefined)?.[field] ?? options[0]))} options={options} onChange={(v) => set(hw(`fcPim.${field}`), v)} />
          </Field>
        ))}
        <h3>Attention stacks {attnDesign ? `(${attnDesign.name})` : ""}</h3>
        <Field label="attention stacks"><NumberInput id="attn-stacks" value={(config.attnStacks as number | undefined) ?? dev?.numAttnStacks} onChange={(v) => set("attnStacks", v)} /></Field>
        <Field label="Attn-PIM design">
          <Select id="attnpim-design" disabled={!attnDesign} value={attnDesign?.name ?? ""} options={attnDesign ? desc.pimDesigns : [""]} onChange={(v) => set(hw("attnPim"), v)} />
        </Field>
        <h3>Links (GB/s per direction)</h3>
        {(["gpuGpu", "attention", "pimPim"] as const).map((which) => {
          const link = spec?.fabrics[which]?.link;
          const chosen = getPath(config, hw(`links.${which}`));
          return (
            <div class="link-row">
              <Field label={which === "gpuGpu" ? "GPU-GPU" : which === "attention" ? "attention" : "PIM-PIM"}>
                <Select id={`link-${which}`} value={typeof chosen === "string" ? chosen : link?.name ?? ""} options={desc.links.map((l) => l.name)} onChange={(v) => set(hw(`links.${which}`), v)} />
              </Field>
              <NumberInput id={`link-${which}-gbps`} value={link ? Number((link.bandwidthBytesPerSec / 1e9).toPrecision(6)) : undefined}
                onChange={(v) => set(hw(`links.${which}.bandwidthBytesPerSec`), v === undefined ? undefined : v * 1e9)} />
            </div>
          );
        })}
      </section>
    </aside>
  );
}
