import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";

/**
 * A folder of rendered charts by content hash (`papi reproduce --chart-cache DIR`, which `npm start` passes): a chart
 * whose spec and renderer are unchanged is copied instead of laid out and rasterised again. The folder is papi's only
 * if it carries the marker papi writes when it creates it (or adopts an empty folder); papi refuses any other
 * non-empty folder, and never deletes anything in it. Entries are written to a temporary name and renamed, so a
 * killed run leaves no half-written entry under a real key.
 */
export const CHART_CACHE_MARKER = ".papi-chart-cache";

export interface CachedChart {
  svg: string;
  png: Uint8Array;
}

export class ChartCache {
  private constructor(private readonly dir: string) {}

  /** Opens (creating it if missing) the cache folder; a UserError for a folder papi cannot prove is its cache. */
  static open(dir: string, flag = "--chart-cache"): ChartCache {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw new UserError(`${flag} ${dir}: not a folder`);
    const marker = join(dir, CHART_CACHE_MARKER);
    if (!existsSync(marker)) {
      if (readdirSync(dir).length > 0) throw new UserError(`${flag} ${dir}: not empty and not a papi chart cache (no ${CHART_CACHE_MARKER}); give a new or empty folder`);
      writeFileSync(marker, "papi chart cache: rendered charts by content hash; safe to delete\n");
    }
    return new ChartCache(dir);
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
      writeFileSync(tmp, data);
      renameSync(tmp, join(this.dir, `${key}.${ext}`));
    }
  }
}
