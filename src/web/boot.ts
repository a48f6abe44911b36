import type { FromWorkerWire } from "./protocol.ts";
import SimWorker from "./worker.ts?worker&inline";

/**
 * Starts the simulator worker before anything else on the page is evaluated (main.tsx imports this first), so the
 * worker boots and describes the controls while the main thread is still loading vega and Preact. Answers that
 * arrive before the page listens are kept and handed over by SimClient.
 */
export const worker = new SimWorker({ name: "papi-simulator" });
export const early: FromWorkerWire[] = [];
worker.onmessage = (e: MessageEvent<FromWorkerWire>) => void early.push(e.data);
worker.postMessage({ kind: "describe" });
