import { useEffect, useRef } from "preact/hooks";
import embed from "vega-embed";
import { BASE_CONFIG } from "../report/chart-parts.ts";
import type { VegaLiteSpec } from "../report/plot.ts";

/** The report's house style; the page has no DejaVu font file, so the browser's sans-serif stands in. */
const CONFIG = { ...BASE_CONFIG, font: `${BASE_CONFIG.font}, Helvetica, Arial, sans-serif` };

/**
 * One vega-lite chart (the report's spec builders), re-rendered when the spec changes. Drawn on a canvas: the
 * scheduler chart has up to 2,000 points and the histograms hundreds of bars, and building that many SVG nodes was
 * most of a control change's time to screen (bench/explorer.ts: 378 -> 267 ms median on a loaded machine). The
 * chart's menu still exports SVG and PNG.
 */
export function Chart({ spec, id }: { spec: VegaLiteSpec; id: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    let view: { finalize(): void } | undefined;
    let cancelled = false;
    embed(el.current, spec, { config: CONFIG, renderer: "canvas", actions: { export: true, source: false, compiled: false, editor: false } })
      .then((r) => {
        if (cancelled) r.finalize();
        else view = r;
      })
      .catch((e: unknown) => {
        if (el.current) el.current.textContent = `chart failed: ${e instanceof Error ? e.message : String(e)}`;
      });
    return () => {
      cancelled = true;
      view?.finalize();
    };
  }, [spec]);
  return <div class="chart" id={id} ref={el} />;
}
