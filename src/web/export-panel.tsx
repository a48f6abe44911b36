import { commandLine, iterationsCsv, requestsCsv, systemsCsv } from "./exports.ts";
import type { SystemRow } from "./protocol.ts";
import type { PageState } from "./url-state.ts";
import type { RunData } from "./views.tsx";

/** Downloads and copyable text: the run config, the `papi run --json` summary, CSVs, the command line, the link. */
function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ExportPanel({ run, config, state, systems }: { run: RunData; config: Record<string, unknown>; state: PageState; systems?: SystemRow[] }) {
  const cmd = commandLine(config, { modelFile: state.modelFile });
  const files = [state.modelFile && `the model file ${state.modelFile}`, state.trace && `the trace ${state.trace.fileName}`].filter(Boolean);
  return (
    <div class="export">
      <h3>Command line</h3>
      <pre id="command">{cmd}</pre>
      {files.length > 0 && <p class="hint">Run it in a folder holding {files.join(" and ")}.</p>}
      <div class="row">
        <button id="copy-command" onClick={() => void navigator.clipboard?.writeText(cmd)}>copy command</button>
        <button id="copy-link" onClick={() => void navigator.clipboard?.writeText(location.href)}>copy link to this view</button>
      </div>
      <h3>Run config (papi run --config papi-run.yaml)</h3>
      <pre id="config-yaml">{run.configYaml}</pre>
      <div class="row">
        <button id="download-config" onClick={() => download("papi-run.yaml", run.configYaml, "application/yaml")}>papi-run.yaml</button>
        <button id="download-summary" onClick={() => download("summary.json", JSON.stringify(run.result, null, 2) + "\n", "application/json")}>summary.json (= papi run --json)</button>
        <button id="download-iterations" onClick={() => download("iterations.csv", iterationsCsv(run.iterations), "text/csv")}>iterations.csv</button>
        <button id="download-requests" onClick={() => download("requests.csv", requestsCsv(run.requests), "text/csv")}>requests.csv</button>
        {systems && <button id="download-systems" onClick={() => download("systems.csv", systemsCsv(systems), "text/csv")}>systems.csv</button>}
      </div>
    </div>
  );
}
