import { early, worker } from "./boot.ts";
import { render } from "preact";
import { App } from "./app.tsx";
import { SimClient } from "./client.ts";
import type { FromWorker } from "./protocol.ts";
import "./style.css";

/** Boots the explorer: the simulator worker (started first, in boot.ts; inlined, so file:// works) and the Preact app. */
let listener: ((m: FromWorker) => void) | undefined;
const waiting: FromWorker[] = [];
const deliver = (m: FromWorker) => (listener ? listener(m) : void waiting.push(m));
const client = new SimClient(worker, deliver, (message) => {
  const el = document.getElementById("app")!;
  el.insertAdjacentHTML("afterbegin", `<p class="error" role="alert" id="crash"></p>`);
  document.getElementById("crash")!.textContent = message;
});
client.flush(early, deliver);
render(
  <App client={client} initialHash={location.hash} onMessage={(f) => {
    listener = f;
    for (const m of waiting.splice(0)) f(m);
  }} />,
  document.getElementById("app")!,
);
