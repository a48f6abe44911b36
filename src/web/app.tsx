import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { SimClient } from "./client.ts";
import { Controls } from "./controls.tsx";
import type { Description, FromWorker, SystemRow } from "./protocol.ts";
import { compactConfig, decodeHash, encodeHash, MAX_PACKED_TRACE_CHARS, packText, unpackText, withPath, type PageState } from "./url-state.ts";
import { runKey } from "./run-key.ts";
import { Views, type RunData } from "./views.tsx";

/**
 * The explorer page: the run config as the user edits it (and its URL), the worker's answers, and the two panes.
 * Every edit sends the whole config to the worker, which keeps only the newest pending request; answers to older
 * requests are dropped here by id.
 */
export const VIEWS = ["scheduler", "systems", "latency", "pim", "export"] as const;

export interface Upload {
  kind: "config" | "model" | "trace";
  fileName: string;
  text: string;
}

export function App({ client, onMessage, initialHash }: { client: SimClient; onMessage: (f: (m: FromWorker) => void) => void; initialHash: string }) {
  const [desc, setDesc] = useState<Description | undefined>();
  const [state, setState] = useState<PageState>({ config: {} });
  const [ready, setReady] = useState(false);
  const [run, setRun] = useState<RunData | undefined>();
  const [systems, setSystems] = useState<{ key: string; rows: SystemRow[]; errors: string[]; ms: number } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [uploadError, setUploadError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const latest = useRef({ id: 0, key: "", systems: false });
  const uploads = useRef(new Map<number, Upload>());

  const view = state.view && (VIEWS as readonly string[]).includes(state.view) ? state.view : "scheduler";
  const config = useMemo(() => (desc ? compactConfig(state.config, desc.defaults) : state.config), [state.config, desc]);
  const traces = state.trace ? { [state.trace.fileName]: state.trace.text } : {};
  const key = runKey(config, state.trace);

  // worker answers
  useEffect(() => {
    onMessage((m) => {
      if (m.kind === "describe") return setDesc(m.description);
      if (m.kind === "parsed-config" || m.kind === "parsed-model" || m.kind === "parsed-trace") return applyUpload(m);
      if (m.kind === "error" && m.stage === "upload") {
        uploads.current.delete(m.id);
        return setUploadError(m.message);
      }
      if (m.id !== latest.current.id) return; // superseded
      if (m.kind === "run") {
        setRun({ result: m.result, iterations: m.iterations, requests: m.requests, pim: m.pim, configYaml: m.configYaml, runMs: m.runMs });
        setError(undefined);
        setBusy(latest.current.systems); // the Fig. 8 column follows
      } else if (m.kind === "systems") {
        setSystems({ key: latest.current.key, rows: m.rows, errors: m.errors, ms: m.systemsMs });
        setBusy(false);
      } else if (m.kind === "error") {
        setError(m.message);
        setBusy(false);
      }
    });
  }, []);

  // the link's state, once the worker has described the controls; later, a hash the user edits (or Back)
  const written = useRef<string | undefined>(undefined);
  async function loadHash(hash: string) {
    try {
      const d = decodeHash(hash);
      const next: PageState = { config: d.config, view: d.view, modelFile: d.modelFile };
      if (d.traceFile && d.packedTrace) next.trace = { fileName: d.traceFile, text: await unpackText(d.packedTrace) };
      setState(next);
    } catch (e) {
      setError(`this link could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  useEffect(() => {
    const onHash = () => {
      if (location.hash.replace(/^#/, "") !== written.current) void loadHash(location.hash);
    };
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    if (!desc) return;
    void (async () => {
      await loadHash(initialHash);
      setReady(true);
    })();
  }, [desc]);

  // run on every change; the Fig. 8 column only while its view is open
  useEffect(() => {
    if (!ready) return;
    const wantSystems = view === "systems" && systems?.key !== key;
    if (latest.current.key === key && !wantSystems) return;
    latest.current = { id: client.run(config, traces, wantSystems), key, systems: wantSystems };
    setBusy(true);
  }, [ready, key, view]);

  // the URL follows the state (replaceState: edits do not pile up in the history)
  useEffect(() => {
    if (!ready) return;
    let stale = false;
    void (async () => {
      let packed: string | undefined;
      setNotice(undefined);
      if (state.trace) {
        packed = await packText(state.trace.text);
        if (packed.length > MAX_PACKED_TRACE_CHARS) {
          packed = undefined;
          setNotice(`the uploaded trace is too large to travel in the link (${Math.round(MAX_PACKED_TRACE_CHARS / 1024)} KiB packed at most): a shared link will ask for it`);
        }
      }
      if (stale) return;
      const hash = encodeHash({ ...state, config, view: view === "scheduler" ? undefined : view }, packed);
      written.current = hash;
      history.replaceState(null, "", hash === "" ? location.pathname + location.search : `#${hash}`);
    })();
    return () => {
      stale = true;
    };
  }, [ready, key, view]);

  function applyUpload(m: Extract<FromWorker, { kind: "parsed-config" | "parsed-model" | "parsed-trace" }>) {
    const up = uploads.current.get(m.id);
    uploads.current.delete(m.id);
    if (!up) return;
    setUploadError(undefined);
    setState((s) => {
      if (m.kind === "parsed-config") {
        // a run config replaces the page's; an uploaded trace stays if the new config still names it
        const keepTrace = s.trace && m.config.trace === s.trace.fileName ? s.trace : undefined;
        return { ...s, config: m.config, trace: keepTrace, modelFile: undefined };
      }
      if (m.kind === "parsed-model") return { ...s, config: withPath(s.config, "model", m.model), modelFile: up.fileName };
      return { ...s, config: withPath(s.config, "trace", up.fileName), trace: { fileName: up.fileName, text: up.text } };
    });
  }

  const actions = {
    set: (path: string, value: unknown) =>
      setState((s) => ({ ...s, config: withPath(s.config, path, value), ...(path === "model" ? { modelFile: undefined } : {}), ...(path === "trace" ? { trace: undefined } : {}) })),
    upload: (up: Upload) => {
      const kind = up.kind === "config" ? "parse-config" : up.kind === "model" ? "parse-model" : "parse-trace";
      uploads.current.set(client.parse(kind, up.text, up.fileName), up);
    },
    setView: (v: string) => setState((s) => ({ ...s, view: v })),
    reset: () => setState((s) => ({ view: s.view, config: {} })),
  };

  if (!desc || !ready) return <p class="loading">Starting the simulator…</p>;
  const shownSystems = systems?.key === key ? systems : undefined;
  return (
    <div class="page" data-state={busy ? "busy" : error ? "error" : "ready"}>
      <header>
        <h1>papi explorer</h1>
        <span class="tagline">PAPI (ASPLOS 2025) simulated in your browser: move a control, watch the scheduler.</span>
        <span id="status" class="status">{busy ? "computing…" : error ? "error" : run ? `ran in ${run.runMs.toFixed(0)} ms` : ""}</span>
      </header>
      <main>
        <Controls desc={desc} config={config} state={state} resolved={run?.result.config.system} actions={actions} uploadError={uploadError} />
        <Views desc={desc} view={view} setView={actions.setView} run={run} stale={busy || error !== undefined} error={error} notice={notice} config={config} state={state} systems={shownSystems} />
      </main>
    </div>
  );
}
