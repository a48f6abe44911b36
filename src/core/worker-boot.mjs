// Worker-thread entry: registers tsx (as bin/papi.mjs does) and loads the TypeScript module named in workerData.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";
register();
await import(workerData.entry);
