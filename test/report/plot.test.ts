import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FONT_FILES, readFontMetrics, renderChart, specToSvg, svgToPng, type VegaLiteSpec } from "../../src/report/plot.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-plot-"));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function barSpec(title: string): VegaLiteSpec {
  return {
    title,
    data: { values: [{ system: "GPU", timeSec: 1.5 }, { system: "PAPI", timeSec: 0.5 }] },
    mark: "bar",
    encoding: { x: { field: "system", type: "nominal" }, y: { field: "timeSec", type: "quantitative", title: "Time (s)" } },
  };
}

test("renderChart writes an SVG with the title and a PNG, byte-identical on a second render", async () => {
  const base = join(dir, "sub", "bars");
  const { svgPath, pngPath } = await renderChart(barSpec("Decode time per system"), base);
  assert.equal(svgPath, `${base}.svg`);
  assert.equal(pngPath, `${base}.png`);
  const svg = readFileSync(svgPath, "utf8");
  const png = readFileSync(pngPath);
  assert.match(svg, /^<svg /);
  assert.ok(svg.includes("Decode time per system"));
  assert.ok(svg.includes('font-family="DejaVu Sans"'));
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  assert.ok(png.length > 1000);
  await renderChart(barSpec("Decode time per system"), base);
  assert.equal(readFileSync(svgPath, "utf8"), svg);
  assert.ok(readFileSync(pngPath).equals(png));
});

test("PNG text is drawn with the shipped font (a different title changes the pixels)", async () => {
  // With no usable font resvg drops text silently, so both PNGs would be equal.
  const a = svgToPng(await specToSvg(barSpec("AAAA")));
  const b = svgToPng(await specToSvg(barSpec("WWWW")));
  assert.ok(!Buffer.from(a).equals(Buffer.from(b)));
});

test("PNG is twice the SVG size", async () => {
  const svg = await specToSvg(barSpec("size"));
  const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
  const png = Buffer.from(svgToPng(svg));
  assert.equal(png.readUInt32BE(16), 2 * w); // IHDR width
  assert.equal(png.readUInt32BE(20), 2 * h);
});

test("font metrics come from the TTF: DejaVu Sans has 2048 units per em, 'A' 1401, space 651", () => {
  const regular = readFontMetrics(FONT_FILES[0]);
  const bold = readFontMetrics(FONT_FILES[1]);
  assert.equal(regular.unitsPerEm, 2048);
  assert.equal(regular.advance("A".codePointAt(0)!), 1401);
  assert.equal(regular.advance(" ".codePointAt(0)!), 651);
  assert.ok(bold.advance("m".codePointAt(0)!) > regular.advance("m".codePointAt(0)!));
  // Characters outside the font fall back to glyph 0 (.notdef), which still has a width.
  assert.ok(regular.advance(0x10ffff) > 0);
});

test("legend labels are measured with real glyph widths (narrow glyphs take less room)", async () => {
  const spec = (label: string): VegaLiteSpec => ({
    data: { values: [{ k: label, v: 1 }] },
    mark: "point",
    encoding: { x: { field: "v", type: "quantitative" }, y: { field: "v", type: "quantitative" }, color: { field: "k", type: "nominal" } },
  });
  const width = async (label: string): Promise<number> => Number(/width="(\d+)"/.exec(await specToSvg(spec(label)))![1]);
  assert.ok((await width("iiiiiiiiii")) < (await width("WWWWWWWWWW")), "narrow glyphs take less room than wide ones");
});

test("text widths: bold, bolder and weights from 600 use the bold font; 599, normal and none the regular one", async () => {
  // rendering once installs the measurer on vega's shared textMetrics
  await specToSvg(barSpec("install"));
  const vega = (await import("vega")) as unknown as { textMetrics: { width(item: object, text?: unknown): number } };
  const width = (fontWeight?: string | number, fontSize: number | undefined = 10): number => vega.textMetrics.width({ text: "mmmm", fontSize, fontWeight });
  // DejaVu Sans 'm' advances 1995 units of 2048, DejaVu Sans Bold 2134: 4 m at 10 px
  const regular = (4 * 1995 * 10) / 2048;
  const bold = (4 * 2134 * 10) / 2048;
  for (const w of ["bold", "bolder", 600, 700, 900]) assert.ok(Math.abs(width(w) - bold) < 1e-9, `weight ${w}`);
  for (const w of [undefined, "normal", "lighter", 599, 400, "600"]) assert.ok(Math.abs(width(w) - regular) < 1e-9, `weight ${w}`);
  // no font size: 11 px; the text argument wins over the item's, and is trimmed
  assert.ok(Math.abs(vega.textMetrics.width({ text: "mmmm" }) - (4 * 1995 * 11) / 2048) < 1e-9);
  assert.ok(Math.abs(vega.textMetrics.width({ text: "x", fontSize: 10 }, "  mm ") - regular / 2) < 1e-9);
});

test("PNGs use only the shipped DejaVu Sans: any family, generic or named, or none, draws the same pixels", () => {
  const svg = (family: string | undefined, text: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><text x="2" y="15" font-size="12"${family === undefined ? "" : ` font-family="${family}"`}>${text}</text></svg>`;
  const png = (family: string | undefined, text = "Hi") => Buffer.from(svgToPng(svg(family, text)));
  const shipped = png("DejaVu Sans");
  assert.ok(!shipped.equals(png("DejaVu Sans", "")), "the text is drawn");
  // DejaVu Serif is a common system font: it must not be picked up
  for (const family of ["DejaVu Serif", "DejaVu Sans Mono", "serif", "sans-serif", "monospace", undefined]) assert.ok(png(family).equals(shipped), String(family));
});

test("with a cache: a miss renders and stores under chartKey(spec); a hit is written as stored, not rendered", async () => {
  const { chartKey } = await import("../../src/report/plot.ts");
  const store = new Map<string, { svg: string; png: Uint8Array }>();
  const cache = { get: (k: string) => store.get(k), put: (k: string, c: { svg: string; png: Uint8Array }) => void store.set(k, c) } as unknown as Parameters<typeof renderChart>[2];
  const base = join(dir, "cached");
  await renderChart(barSpec("cached"), base, cache);
  assert.deepEqual([...store.keys()], [chartKey(barSpec("cached"))]);
  assert.equal(store.get(chartKey(barSpec("cached")))!.svg, readFileSync(`${base}.svg`, "utf8"));
  assert.notEqual(chartKey(barSpec("other")), chartKey(barSpec("cached")));
  store.set(chartKey(barSpec("cached")), { svg: "<svg>stored</svg>", png: new Uint8Array([1, 2, 3]) });
  await renderChart(barSpec("cached"), base, cache);
  assert.equal(readFileSync(`${base}.svg`, "utf8"), "<svg>stored</svg>");
  assert.deepEqual([...readFileSync(`${base}.png`)], [1, 2, 3]);
});

test("characters the font lacks (in the BMP's gaps or beyond it) all take the .notdef glyph's width", () => {
  for (const file of FONT_FILES) {
    const m = readFontMetrics(file);
    const notdef = m.advance(0x10ffff);
    // U+0378 and U+0530 are unassigned, U+E000 private use, U+FFF0 and U+FFFE not characters
    for (const c of [0x0378, 0x0530, 0xe000, 0xfff0, 0xfffe]) assert.equal(m.advance(c), notdef, `U+${c.toString(16)}`);
    assert.notEqual(m.advance("A".codePointAt(0)!), notdef);
  }
});

test("the house style reaches the SVG: bold 15 px title at the left, plain 13 px axis titles, bold legend and panel titles, tableau10, white page", async () => {
  const rows = ["PAPI", "GPU"].map((system, k) => ({ model: "m1", point: "B=4", system, s: 1 + k }));
  const spec: VegaLiteSpec = {
    title: { text: "TITLE", subtitle: "SUB" },
    data: { values: rows },
    facet: { field: "model", type: "nominal", title: null },
    spec: { mark: "bar", encoding: { x: { field: "point", type: "nominal" }, xOffset: { field: "system" }, y: { field: "s", type: "quantitative", title: "YT" }, color: { field: "system", type: "nominal", sort: null } } },
  } as unknown as VegaLiteSpec;
  const svg = await specToSvg(spec);
  const attrs = (text: string): string => new RegExp(`<text ([^>]*)>${text}</text>`).exec(svg)?.[1] ?? "";
  assert.match(attrs("TITLE"), /text-anchor="start".*font-size="15px" font-weight="bold"/);
  assert.match(attrs("YT"), /font-size="13px" font-weight="normal"/);
  assert.match(attrs("system"), /font-size="12px" font-weight="bold"/);
  assert.match(attrs("m1"), /font-size="13px" font-weight="bold"/);
  assert.match(attrs("PAPI"), /font-family="DejaVu Sans" font-size="12px"/);
  assert.match(attrs("B=4"), /font-size="12px"/);
  // tableau10's first two colours, in the data's order
  assert.match(svg, /system: PAPI"[^>]*fill="#4c78a8"/);
  assert.match(svg, /system: GPU"[^>]*fill="#f58518"/);
  assert.match(svg, /^<svg [^>]*><rect width="\d+" height="\d+" fill="white"\/>/);
  assert.ok(svg.includes('stroke="#bbbbbb"'), "the grey plot frame");
  // a single view's title starts at the left too (vega-lite centres those by default)
  assert.match(await specToSvg(barSpec("SINGLE")), /<text text-anchor="start" transform="translate\(0,[\d.]+\)"[^>]*>SINGLE</);
});
