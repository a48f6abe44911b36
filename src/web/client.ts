import { fromWire, type FromWorker, type FromWorkerWire, type ToWorker } from "./protocol.ts";

/**
 * The page's side of the worker: sends requests, numbers them, and hands answers to one listener. Runs carry the
 * page's request id, so an answer to a superseded request is recognised and dropped by the page.
 */
export class SimClient {
  private nextId = 1;
  constructor(
    private readonly worker: Worker,
    onMessage: (m: FromWorker) => void,
    onCrash: (message: string) => void,
  ) {
    worker.onmessage = (e: MessageEvent<FromWorkerWire>) => onMessage(fromWire(e.data));
    worker.onerror = (e: ErrorEvent) => onCrash(`internal error in the simulator worker: ${e.message}`);
  }
  /** Hands over answers that arrived before the page listened (see boot.ts). */
  flush(early: FromWorkerWire[], onMessage: (m: FromWorker) => void): void {
    for (const m of early.splice(0)) onMessage(fromWire(m));
  }
  run(config: Record<string, unknown>, traces: Record<string, string>, systems: boolean): number {
    const id = this.nextId++;
    this.post({ kind: "run", id, config, traces, systems });
    return id;
  }
  parse(kind: "parse-config" | "parse-model" | "parse-trace", text: string, fileName: string): number {
    const id = this.nextId++;
    this.post({ kind, id, text, fileName });
    return id;
  }
  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}
