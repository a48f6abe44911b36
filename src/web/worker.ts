/// <reference lib="webworker" />
import { UserError } from "../core/errors.ts";
import { browserLoader } from "./browser-loader.ts";
import { BUNDLED_TRACES } from "./bundled-traces.ts";
import { columnBuffers, toColumns } from "./columns.ts";
import type { FromWorker, RunColumnsMessage, ToWorker } from "./protocol.ts";
import { describe, parseConfigUpload, parseModelUpload, parseTraceUpload, simulateRun, simulateSystems, SystemRunsCache } from "./simulate.ts";

/**
 * The explorer's simulator thread. Runs are coalesced: while one computes, only the newest request waits, and the
 * Fig. 8 column (six more runs) yields between systems so that a newer request cancels it. User mistakes come back
 * as their one-line message; anything else as "internal error: ..." (a bug, shown rather than swallowed).
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);
const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const messageOf = (e: unknown) => (e instanceof UserError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`);

type RunRequest = Extract<ToWorker, { kind: "run" }>;
let pending: RunRequest | undefined;
const systemRuns = new SystemRunsCache();
let busy = false;

async function pump(): Promise<void> {
  busy = true;
  while (pending) {
    const req = pending;
    pending = undefined;
    await serve(req);
  }
  busy = false;
}

async function serve(req: RunRequest): Promise<void> {
  const loader = browserLoader(BUNDLED_TRACES, req.traces);
  let own;
  try {
    const view = simulateRun(req.config, loader);
    own = view.result;
    // the records as columns, their buffers transferred (columns.ts); plain if they are not flat records
    const iterations = toColumns(view.iterations);
    const requests = toColumns(view.requests);
    if (iterations && requests) scope.postMessage({ ...view, kind: "run-columns", id: req.id, iterations, requests } satisfies RunColumnsMessage, [...columnBuffers(iterations), ...columnBuffers(requests)]);
    else post({ kind: "run", id: req.id, ...view });
  } catch (e) {
    post({ kind: "error", id: req.id, stage: "run", message: messageOf(e) });
    return;
  }
  if (!req.systems) return;
  await tick();
  if (pending) return;
  try {
    const r = await simulateSystems(
      req.config,
      loader,
      own,
      async () => {
        await tick();
        return pending === undefined;
      },
      systemRuns.forTraces(req.traces),
    );
    if (r) post({ kind: "systems", id: req.id, rows: r.rows, errors: r.errors, systemsMs: r.computeMs });
  } catch (e) {
    post({ kind: "error", id: req.id, stage: "systems", message: messageOf(e) });
  }
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    switch (m.kind) {
      case "describe":
        return post({ kind: "describe", description: describe() });
      case "run":
        pending = m;
        if (!busy) void pump();
        return;
      case "parse-config":
        return post({ kind: "parsed-config", id: m.id, config: parseConfigUpload(m.text, m.fileName) });
      case "parse-model":
        return post({ kind: "parsed-model", id: m.id, ...parseModelUpload(m.text, m.fileName) });
      case "parse-trace":
        return post({ kind: "parsed-trace", id: m.id, fileName: m.fileName, numRequests: parseTraceUpload(m.text, m.fileName) });
    }
  } catch (err) {
    post({ kind: "error", id: "id" in m ? m.id : -1, stage: "upload", message: messageOf(err) });
  }
};
