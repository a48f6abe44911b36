import { UserError } from "./errors.ts";
import { nearest } from "./merge.ts";

/**
 * One helper for every kind that has several implementations picked by name (units, collective algorithms,
 * topologies, FC mappings, schedulers, batching policies, routers, sweep constraints, ...): look an entry up by the
 * name a config writes, with a one-line error that names the nearest known name and lists them all.
 *
 *   export const COLLECTIVES = defineRegistry("collective algorithm", { ring, "one-shot": oneShot } satisfies Record<CollectiveName, CollectiveAlgorithm>);
 *   COLLECTIVES.get(name, "fabrics.gpuGpu.collective")
 *
 * The entries object is frozen; `names` keeps its key order (help texts, schema enums and the explorer's option
 * lists are generated from it).
 */
export interface Registry<K extends string, T> {
  /** what users call one entry in messages: "collective algorithm", "unit kind", ... */
  readonly label: string;
  /** registered names, in registration order */
  readonly names: readonly K[];
  readonly entries: Readonly<Record<K, T>>;
  has(name: string): name is K;
  /** The entry registered under `name`; a one-line UserError (prefixed with `path` when given) otherwise. */
  get(name: string, path?: string): T;
}

export function defineRegistry<K extends string, T>(label: string, entries: Record<K, T>): Registry<K, T> {
  const frozen = Object.freeze({ ...entries });
  const names = Object.freeze(Object.keys(frozen) as K[]);
  const has = (name: string): name is K => Object.prototype.hasOwnProperty.call(frozen, name);
  return {
    label,
    names,
    entries: frozen,
    has,
    get(name: string, path?: string): T {
      if (has(name)) return frozen[name];
      const near = nearest(name, names);
      const where = path === undefined || path === "" ? "" : `${path}: `;
      throw new UserError(`${where}unknown ${label} "${name}"${near ? ` (did you mean "${near}"?)` : ""}; known: ${names.join(", ")}`);
    },
  };
}
