import { render } from "preact";
import { App } from "./app.tsx";
import { SimClient } from "./client.ts";
import type { FromWorker } from "./protocol.ts";
import "./style.css";
import SimWorker from "./worker.ts?worker&inline";

/** Boots the explorer: the simulator worker (inlined in the page, so file:// works) and the Preact app. */
let listener: (m: FromWorker) => void = () => {};
const client = new SimClient(new SimWorker({ name: "papi-simulator" }), (m) => listener(m), (message) => {
  const el = document.getElementById("app")!;
  el.insertAdjacentHTML("afterbegin", `<p class="error" role="alert" id="crash"></p>`);
  document.getElementById("crash")!.textContent = message;
});
render(<App client={client} onMessage={(f) => (listener = f)} initialHash={location.hash} />, document.getElementById("app")!);
