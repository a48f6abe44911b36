import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { checkOutputPath, code, labelOf, makeFolders } from "./output-fs.ts";

/**
 * A folder of rendered charts by content hash (`papi reproduce --chart-cache DIR`, which `npm start` passes): a chart
 * whose spec and renderer are unchanged is copied instead of laid out and rasterised again. The folder is papi's only
 * if it carries the marker papi writes when it creates it (or adopts an empty folder); papi refuses any other
 * non-empty folder, and never deletes anything in it. Entries are written to a temporary name and renamed, so a
 * killed run leaves no half-written entry under a real key. The path is checked and the folder created as every other
 * output's (src/node/output-fs.ts: an empty path is refused, missing parents are made one level at a time, never by
 * Node's recursive mkdir, which spins forever under /proc), and every failure is a one-line UserError.
 */
export const CHART_CACHE_MARKER = ".papi-chart-cache";

export interface CachedChart {
  svg: string;
  png: Uint8Array;
}

export class ChartCache {
  private constructor(
    private readonly dir: string,
    private readonly label: string,
  ) {}

  /** Opens (creating it if missing) the cache folder; a UserError for a folder papi cannot prove is its cache. */
  static open(dir: string, flag = "--chart-cache"): ChartCache {
    const label = labelOf(flag, dir);
    checkOutputPath(dir, label, "folder");
    const real = makeFolders(resolve(dir), label); // a file, a missing or unwritable parent: one-line errors
    const marker = join(real, CHART_CACHE_MARKER);
    if (!existsSync(marker)) {
      let entries: string[];
      try {
        entries = readdirSync(real);
      } catch (e) {
        throw new UserError(`${label}: cannot list the folder (${code(e)})`);
      }
      if (entries.length > 0) throw new UserError(`${label}: not empty and not a papi chart cache (no ${CHART_CACHE_MARKER}); give a new or empty folder`);
      try {
        writeFileSync(marker, "papi chart cache: rendered charts by content hash; safe to delete\n");
      } catch (e) {
        throw new UserError(`${label}: cannot write ${CHART_CACHE_MARKER} (${code(e)})`);
      }
    }
    return new ChartCache(real, label);
  }

  get(key: string): CachedChart | undefined {
    const svgPath = join(this.dir, `${key}.svg`);
    const pngPath = join(this.dir, `${key}.png`);
    // the PNG is renamed into place before the SVG: an SVG means both are whole
    if (!existsSync(svgPath)) return undefined;
    return { svg: readFileSync(svgPath, "utf8"), png: new Uint8Array(readFileSync(pngPath)) };
  }

  put(key: string, chart: CachedChart): void {
    for (const [ext, data] of [["png", chart.png], ["svg", chart.svg]] as const) {
      const tmp = join(this.dir, `.${key}.${ext}.${process.pid}.tmp`);
      try {
        writeFileSync(tmp, data);
        renameSync(tmp, join(this.dir, `${key}.${ext}`));
      } catch (e) {
        throw new UserError(`${this.label}: cannot write a cached chart (${code(e)})`);
      }
    }
  }
}
