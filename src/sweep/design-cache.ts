import { UserError } from "../core/errors.ts";
import type { RunConfig } from "../serving/config.ts";
import { modelOf, systemSpecOf, type InputLoader } from "../serving/run.ts";
import { buildContext, type SystemContext } from "../systems/build.ts";
import { resolveAssumptions } from "../systems/profiles.ts";
import type { SystemSpec } from "../systems/schema.ts";

/**
 * What a sweep worker resolves once per distinct design instead of once per point: the resolved system of the
 * system-relevant fields of a run config (systemSpecOf: zod parsing and preset merging, or the UserError it gives,
 * e.g. the area rule), the area-relaxed system of the area constraint, and the system context per (design, model),
 * whose memo tables (kernel costs, calibrated alpha) the design's points then share. The shipped design-space study
 * has 9,720 points but 360 designs and 1,080 contexts (3 models).
 *
 * Keys are the JSON text of those fields of the parsed config: equal text, equal inputs of systemSpecOf / systemOf,
 * so a hit returns what resolving again would (the errors too: their text depends on those fields only). Two equal
 * designs written with keys in another order only miss the cache. Each map keeps at most MAX_ENTRIES entries
 * (least recently used dropped first): ASSUMPTION: a grid's points revisit a design within a few dozen distinct
 * designs (the shipped study: 18 contexts per block of its faster axes), and a context with warm memo tables holds
 * ~0.3 MB, so 4,096 entries held 220 MB per worker (peak 702 MiB with 2 workers); 32 hold ~10 MB (412 MiB). A grid
 * whose design axes vary fastest only re-resolves designs (CPU), with the same results.
 */
export const MAX_ENTRIES = 32;

type Resolved<T> = { value: T } | { error: UserError };

/** The fields of a run config that decide its system (systemSpecOf's inputs and the assumptions buildContext takes). */
export const designKey = (c: RunConfig): string => JSON.stringify([c.system, c.hardware, c.gpus, c.fcStacks, c.attnStacks, c.profile, c.assumptions]);

export class DesignCache {
  private readonly specs = new Map<string, Resolved<SystemSpec>>();
  private readonly relaxed = new Map<string, SystemSpec | undefined>();
  private readonly contexts = new Map<string, Resolved<SystemContext>>();

  /** systemSpecOf(config), or the UserError it throws, once per design. */
  specOrError(config: RunConfig, key = designKey(config)): { spec: SystemSpec } | { error: UserError } {
    const r = remember(this.specs, key, () => systemSpecOf(config));
    return "error" in r ? r : { spec: r.value };
  }

  /** `relax(config)` (the area-relaxed system, or undefined) once per design. */
  relaxedSpec(config: RunConfig, relax: () => SystemSpec | undefined, key = designKey(config)): SystemSpec | undefined {
    if (this.relaxed.has(key)) return touched(this.relaxed, key, this.relaxed.get(key));
    const spec = relax();
    bounded(this.relaxed, key, spec);
    return spec;
  }

  /**
   * The system context of a config: what systemOf(config, loader) gives (the cached resolved system, built against
   * the model), once per (design, model); the UserError of a model that does not fit is thrown again on each call.
   * The loader must be the same for every call (one per worker: model paths resolve against its folder).
   */
  context(config: RunConfig, loader: InputLoader, key = designKey(config)): SystemContext {
    const r = remember(this.contexts, `${key}|${JSON.stringify(config.model)}`, () => {
      const s = this.specOrError(config, key);
      if ("error" in s) throw s.error;
      return buildContext(s.spec, modelOf(config, loader), resolveAssumptions(config.profile, config.assumptions));
    });
    if ("error" in r) throw r.error;
    return r.value;
  }
}

/** The cached outcome of `make` (a value or its UserError; other errors are bugs and propagate uncached). */
function remember<T>(map: Map<string, Resolved<T>>, key: string, make: () => T): Resolved<T> {
  let r = map.get(key);
  if (r !== undefined) touched(map, key, r);
  else {
    try {
      r = { value: make() };
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      r = { error: e };
    }
    bounded(map, key, r);
  }
  return r;
}

/** A hit becomes the map's newest entry (so `bounded` drops the least recently used first); returns the value. */
function touched<T>(map: Map<string, T>, key: string, value: T): T {
  map.delete(key);
  map.set(key, value);
  return value;
}

function bounded<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, value);
}
