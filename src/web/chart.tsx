import { useEffect, useRef } from "preact/hooks";
import embed, { type Result } from "vega-embed";
import { BASE_CONFIG } from "../report/chart-parts.ts";
import type { VegaLiteSpec } from "../report/plot.ts";
import { specSkeleton } from "./spec-skeleton.ts";

/** The report's house style; the page has no DejaVu font file, so the browser's sans-serif stands in. */
const CONFIG = { ...BASE_CONFIG, font: `${BASE_CONFIG.font}, Helvetica, Arial, sans-serif` };

/** The drawn chart: its view, the skeleton it was drawn from, and the vega data set holding each inline data array. */
interface Drawn {
  result: Result;
  skeleton: string;
  sources: string[];
}

/** The vega data set that holds each inline array of the spec (vega-lite keeps the arrays), or undefined. */
function sourcesOf(r: Result, datasets: unknown[][]): string[] | undefined {
  const data = (r.vgSpec as { data?: { name: string; values?: unknown; format?: unknown }[] }).data ?? [];
  const names: string[] = [];
  for (const values of datasets) {
    const d = data.find((x) => x.values === values);
    // a data set vega parses on load (format) would not be parsed again by view.data(): draw afresh instead
    if (d === undefined || d.format !== undefined) return undefined;
    names.push(d.name);
  }
  return names;
}

type Renderer = { _redraw?: unknown };
const rendererOf = (view: Result["view"]) => (view as unknown as { _renderer?: Renderer })._renderer;
const canRedrawFully = (view: Result["view"]) => typeof rendererOf(view)?._redraw === "boolean";
const fullRedraw = (view: Result["view"]) => void (rendererOf(view)!._redraw = true);

/**
 * One vega-lite chart (the report's spec builders), drawn on a canvas: the scheduler chart has up to 2,000 points and
 * the histograms hundreds of bars, and building that many SVG nodes was most of a control change's time to screen
 * (bench/explorer.ts: 378 -> 267 ms median on a loaded machine). The chart's menu still exports SVG and PNG.
 * A new spec that differs only in its inline data (a batch size changed: same titles and encodings, new points)
 * updates the drawn view's data sets instead of compiling and building a new view; anything else draws afresh.
 * `data-drawn` counts the draws (a DOM change when a redraw has finished, for the page's bench and tests).
 */
export function Chart({ spec, id }: { spec: VegaLiteSpec; id: string }) {
  const el = useRef<HTMLDivElement>(null);
  const drawn = useRef<Drawn | undefined>(undefined);
  const draws = useRef(0);
  const markDrawn = () => el.current?.setAttribute("data-drawn", String(++draws.current));
  useEffect(() => {
    if (!el.current) return;
    let cancelled = false;
    const { skeleton, datasets } = specSkeleton(spec);
    const fail = (e: unknown) => {
      if (el.current) el.current.textContent = `chart failed: ${e instanceof Error ? e.message : String(e)}`;
    };
    const d = drawn.current;
    if (d !== undefined && d.skeleton === skeleton && canRedrawFully(d.result.view)) {
      const view = d.result.view;
      d.sources.forEach((name, i) => view.data(name, datasets[i] as object[]));
      // the whole canvas is drawn again: vega's canvas renderer redraws only the changed region, and a region's
      // edges come out antialiased differently from a fresh chart's (vega 6's CanvasRenderer, `_redraw` as its resize sets it)
      fullRedraw(view);
      // and laid out again (autosize: axis labels and titles of the new data may need another size)
      view.resize().runAsync().then(() => {
        if (!cancelled) markDrawn();
      }, fail);
    } else {
      drawn.current?.result.finalize();
      drawn.current = undefined;
      embed(el.current, spec, { config: CONFIG, renderer: "canvas", actions: { export: true, source: false, compiled: false, editor: false } })
        .then((r) => {
          if (cancelled) return r.finalize();
          const sources = sourcesOf(r, datasets);
          drawn.current = sources === undefined ? { result: r, skeleton: "", sources: [] } : { result: r, skeleton, sources };
          markDrawn();
        })
        .catch(fail);
    }
    return () => {
      cancelled = true;
    };
  }, [spec]);
  useEffect(
    () => () => {
      drawn.current?.result.finalize();
      drawn.current = undefined;
    },
    [],
  );
  return <div class="chart" id={id} ref={el} />;
}
