import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { writeOutputFile } from "../node/output.ts";
import { BASE_CONFIG, FONT_FAMILY } from "./chart-parts.ts";

export { BASE_CONFIG, FONT_FAMILY } from "./chart-parts.ts";

/** A vega-lite 6 top-level spec, as built by charts.ts. */
export type VegaLiteSpec = TopLevelSpec;

const fontPath = (file: string): string => fileURLToPath(new URL(`../../data/fonts/${file}`, import.meta.url));
export const FONT_FILES: readonly string[] = [fontPath("DejaVuSans.ttf"), fontPath("DejaVuSans-Bold.ttf")];

/** PNG pixels per SVG unit: 2 gives print-quality bitmaps (a 500 x 300 plot becomes 1000 x 600 px). */
export const PNG_ZOOM = 2;


/**
 * Compiles a vega-lite spec and writes `<base>.svg` and `<base>.png` (through writeOutputFile).
 * Both files are byte-identical for the same spec: no clock, no system fonts, text measured from the shipped font.
 */
export async function renderChart(spec: VegaLiteSpec, outBasePath: string): Promise<{ svgPath: string; pngPath: string }> {
  const svg = await specToSvg(spec);
  const png = svgToPng(svg);
  const svgPath = `${outBasePath}.svg`;
  const pngPath = `${outBasePath}.png`;
  writeOutputFile(svgPath, svg);
  writeOutputFile(pngPath, png);
  return { svgPath, pngPath };
}

/** The SVG text of a vega-lite spec, laid out with the shipped font's real glyph widths. */
export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  installTextMetrics();
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
  const resvg = new Resvg(svg, {
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

function installTextMetrics(): void {
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
      const g = codePoint > 0xffff ? 0 : glyphOf(codePoint);
      a = u16(hmtx + 4 * Math.min(g, numHMetrics - 1));
      cache.set(codePoint, a);
    }
    return a;
  };
  return { unitsPerEm, advance };
}
