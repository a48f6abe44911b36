import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Resvg as ResvgClass } from "@resvg/resvg-js";
import type { TopLevelSpec } from "vega-lite";
import { fnv1a64Hex, stableJson } from "../core/hash.ts";
import type { ChartCache } from "../node/chart-cache.ts";
import { writeOutputFile } from "../node/output.ts";
import { BASE_CONFIG, FONT_FAMILY } from "./chart-parts.ts";

export { BASE_CONFIG, FONT_FAMILY } from "./chart-parts.ts";

/** A vega-lite 6 top-level spec, as built by charts.ts. */
export type VegaLiteSpec = TopLevelSpec;

const fontPath = (file: string): string => fileURLToPath(new URL(`../../data/fonts/${file}`, import.meta.url));
export const FONT_FILES: readonly string[] = [fontPath("DejaVuSans.ttf"), fontPath("DejaVuSans-Bold.ttf")];

/** PNG pixels per SVG unit: 2 gives print-quality bitmaps (a 500 x 300 plot becomes 1000 x 600 px). */
export const PNG_ZOOM = 2;

// The renderers load on first use (vega and vega-lite: ~0.3 s), so commands that draw nothing, and charts found in a
// ChartCache, never load them.
const requireModule = createRequire(import.meta.url);
type Vega = typeof import("vega");
let vegaModules: Promise<{ vega: Vega; compile: typeof import("vega-lite").compile }> | undefined;
const loadVega = () => (vegaModules ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({ vega, compile: vl.compile })));
let ResvgCtor: typeof ResvgClass | undefined;

/**
 * Compiles a vega-lite spec and writes `<base>.svg` and `<base>.png` (through writeOutputFile).
 * Both files are byte-identical for the same spec: no clock, no system fonts, text measured from the shipped font.
 * With a cache, a chart rendered before (same spec, same renderer: chartKey) is copied from it.
 */
export async function renderChart(spec: VegaLiteSpec, outBasePath: string, cache?: ChartCache): Promise<{ svgPath: string; pngPath: string }> {
  const key = cache ? chartKey(spec) : "";
  let chart = cache?.get(key);
  if (!chart) {
    const svg = await specToSvg(spec);
    chart = { svg, png: svgToPng(svg) };
    cache?.put(key, chart);
  }
  const svgPath = `${outBasePath}.svg`;
  const pngPath = `${outBasePath}.png`;
  writeOutputFile(svgPath, chart.svg);
  writeOutputFile(pngPath, chart.png);
  return { svgPath, pngPath };
}

/**
 * The content hash of a chart: its spec and everything else the SVG and PNG bytes depend on: the chart config, the
 * zoom, the versions of vega, vega-lite and resvg, the fonts (by size) and this module's own code (text metrics,
 * render options).
 */
export function chartKey(spec: VegaLiteSpec): string {
  return fnv1a64Hex(stableJson({ spec, config: BASE_CONFIG, zoom: PNG_ZOOM, renderer: rendererIdentity() }));
}

let identity: string | undefined;
function rendererIdentity(): string {
  const version = (pkg: string): string => {
    // the package's own package.json, found from its entry (its exports may not list package.json)
    let dir = requireModule.resolve(pkg);
    for (;;) {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`no package.json for ${pkg}`);
      dir = parent;
      try {
        const p = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (p.name === pkg) return String(p.version);
      } catch {
        // not a package root: go up
      }
    }
  };
  return (identity ??= stableJson({
    vega: version("vega"),
    vegaLite: version("vega-lite"),
    resvg: version("@resvg/resvg-js"),
    fonts: FONT_FILES.map((f) => statSync(f).size),
    code: fnv1a64Hex(readFileSync(fileURLToPath(import.meta.url), "utf8")),
  }));
}

/** The SVG text of a vega-lite spec, laid out with the shipped font's real glyph widths. */
export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, compile } = await loadVega();
  installTextMetrics(vega);
  const compiled = compile(spec, { config: BASE_CONFIG });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises SVG text with resvg and only the shipped fonts. */
export function svgToPng(svg: string): Uint8Array {
  ResvgCtor ??= (requireModule("@resvg/resvg-js") as { Resvg: typeof ResvgClass }).Resvg;
  const resvg = new ResvgCtor(svg, {
    // Stryker disable next-line StringLiteral: with only the shipped fonts loaded resvg falls back to DejaVu Sans for any family (plot.test.ts: every family draws the same pixels), so these names are documentation
    font: { fontFiles: [...FONT_FILES], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: "zoom", value: PNG_ZOOM },
    background: "white",
    logLevel: "off",
  });
  return resvg.render().asPng();
}

// ---- text widths -------------------------------------------------------------------------------
// Without a canvas, vega guesses 0.8 em per character, which makes legends and axis gutters too wide.
// We read advance widths from the shipped TTFs (cmap format 4 + hmtx) instead; kerning is ignored.

interface FontMetrics {
  unitsPerEm: number;
  advance(codePoint: number): number;
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

function installTextMetrics(vega: Vega): void {
  // Stryker disable next-line ConditionalExpression: installing twice reads the same fonts again (only slower)
  if (metrics !== undefined) return;
  metrics = { regular: readFontMetrics(FONT_FILES[0]), bold: readFontMetrics(FONT_FILES[1]) };
  const m = metrics;
  const tm = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
  tm.width = (item, text) => {
    const s = String(text ?? item.text ?? "").trim();
    const fontSize = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const w = item.fontWeight;
    const font = w === "bold" || w === "bolder" || (typeof w === "number" && w >= 600) ? m.bold : m.regular;
    let units = 0;
    for (const ch of s) units += font.advance(ch.codePointAt(0)!);
    return (units / font.unitsPerEm) * fontSize;
  };
}

interface TextItem {
  text?: unknown;
  fontSize?: number | string;
  fontWeight?: string | number;
}

/** Parses the head, hhea, hmtx and cmap (format 4, BMP) tables of a TrueType file. */
export function readFontMetrics(path: string): FontMetrics {
  const buf = readFileSync(path);
  const u16 = (o: number): number => buf.readUInt16BE(o);
  const tables = new Map<string, number>();
  for (let i = 0, n = u16(4); i < n; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString("latin1", rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const o = tables.get(tag);
    if (o === undefined) throw new Error(`${path}: no ${tag} table`);
    return o;
  };
  const unitsPerEm = u16(table("head") + 18);
  const numHMetrics = u16(table("hhea") + 34);
  const hmtx = table("hmtx");
  const cmap = table("cmap");
  let sub = -1;
  for (let i = 0, n = u16(cmap + 2); i < n; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = u16(rec);
    const encoding = u16(rec + 2);
    const off = cmap + buf.readUInt32BE(rec + 4);
    if (((platform === 3 && encoding === 1) || platform === 0) && u16(off) === 4) sub = off;
  }
  if (sub < 0) throw new Error(`${path}: no format-4 cmap`);
  const segCount = u16(sub + 6) / 2;
  const endCodes = sub + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  const glyphOf = (c: number): number => {
    for (let s = 0; s < segCount; s++) {
      if (c > u16(endCodes + 2 * s)) continue;
      const start = u16(startCodes + 2 * s);
      if (c < start) return 0;
      const delta = u16(idDeltas + 2 * s);
      const rangeOffset = u16(idRangeOffsets + 2 * s);
      if (rangeOffset === 0) return (c + delta) & 0xffff;
      const g = u16(idRangeOffsets + 2 * s + rangeOffset + 2 * (c - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  const advance = (codePoint: number): number => {
    let a = cache.get(codePoint);
    if (a === undefined) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: glyphOf gives 0 beyond the BMP too (no segment ends past 0xFFFF); this only skips its search
      const g = codePoint > 0xffff ? 0 : glyphOf(codePoint);
      a = u16(hmtx + 4 * Math.min(g, numHMetrics - 1));
      cache.set(codePoint, a);
    }
    return a;
  };
  return { unitsPerEm, advance };
}
