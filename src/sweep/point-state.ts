import { RANGES } from "../core/quantity.ts";
import { UserError } from "../core/errors.ts";
import { isPlainObject, setPath } from "../core/merge.ts";
import type { FcPolicy } from "../scheduling/policy.ts";
import { makePolicy, defaultScheduler } from "../scheduling/registry.ts";
import type { RunConfig } from "../serving/config.ts";
import { parseRunConfig, systemSpecOf, type InputLoader } from "../serving/run.ts";
import { loadTrace, type RequestSpec } from "../serving/trace.ts";
import type { SystemContext } from "../systems/build.ts";
import { resolveSystem } from "../systems/resolve.ts";
import { roleDevices } from "../systems/devices.ts";
import type { SystemSpec } from "../systems/schema.ts";
import { DesignCache, designKey } from "./design-cache.ts";

/**
 * What the constraints and metrics of one point may look at, each part computed once and on demand: the resolved
 * system (or the error that stopped its resolution), the system context (weights placed), the requests, alpha.
 * The system, its area-relaxed variant and the context come from the worker's DesignCache (once per design).
 */
export class PointState {
  private specResult?: { spec: SystemSpec } | { error: UserError };
  private relaxed?: { spec: SystemSpec | undefined };
  private ctxValue?: SystemContext;
  private policyValue?: FcPolicy;

  constructor(
    readonly index: number,
    readonly config: RunConfig,
    readonly loader: InputLoader,
    private readonly requestCache: Map<string, readonly RequestSpec[]>,
    private readonly designs: DesignCache = new DesignCache(),
  ) {}

  private designKeyValue?: string;
  private get designKey(): string {
    return (this.designKeyValue ??= designKey(this.config));
  }

  /** The resolved system, or the UserError its resolution gave (area rule, invalid values). */
  specOrError(): { spec: SystemSpec } | { error: UserError } {
    return (this.specResult ??= this.designs.specOrError(this.config, this.designKey));
  }

  spec(): SystemSpec {
    const r = this.specOrError();
    if ("error" in r) throw r.error;
    return r.spec;
  }

  /**
   * The system with the die-area limit of both PIM designs lifted (to the range's largest die, 1e4 mm2, which any
   * design within the schema's FPU and bank bounds on an HBM3-sized stack fits): resolves exactly when the only problem is the
   * area rule, and gives the area such a design would need. Equal to spec() for designs that fit.
   */
  relaxedSpec(): SystemSpec | undefined {
    const r = this.specOrError();
    if ("spec" in r) return r.spec;
    if (!this.relaxed) this.relaxed = { spec: this.designs.relaxedSpec(this.config, () => this.resolveRelaxed(), this.designKey) };
    return this.relaxed.spec;
  }

  private resolveRelaxed(): SystemSpec | undefined {
    try {
      const d = roleDevices(resolveSystem(this.config.system));
      const raw = structuredClone(this.config) as unknown as Record<string, unknown>;
      const hw = isPlainObject(raw.hardware) ? raw.hardware : {};
      if (d.fcPim !== null) setPath(raw, "hardware.fcPim.area.maxDieAreaMm2", RANGES.areaMm2.max);
      if (d.attnPim !== null || hw.attnPim !== undefined) setPath(raw, "hardware.attnPim.area.maxDieAreaMm2", RANGES.areaMm2.max);
      return systemSpecOf(parseRunConfig(raw));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return undefined;
    }
  }

  /** The system context (throws the UserError of a model whose weights do not fit). */
  context(): SystemContext {
    return (this.ctxValue ??= this.designs.context(this.config, this.loader, this.designKey));
  }

  /** The requests the point serves (cached across the points of a worker by trace options). */
  requests(): readonly RequestSpec[] {
    const c = this.config;
    const key = JSON.stringify([c.trace, c.requests, c.seed, c.ratePerSec]);
    let r = this.requestCache.get(key);
    if (!r) {
      r = loadTrace(c.trace, { numRequests: c.requests, seed: c.seed, ratePerSec: c.ratePerSec }, this.loader.traceSource).requests;
      this.requestCache.set(key, r);
    }
    return r;
  }

  /** The FC placement policy the run uses (its scheduler, with its alpha). */
  policy(): FcPolicy {
    return (this.policyValue ??= makePolicy(this.config.scheduler ?? defaultScheduler(this.context()), this.context(), this.config.alpha));
  }

  /** The alpha the run's scheduler uses (NaN for fixed mappings). */
  alpha(): number {
    return this.policy().alpha;
  }

  /** The most requests a decode iteration can run: the batch, or fewer when the trace has fewer requests. */
  maxRlp(): number {
    return Math.min(this.config.batch, this.requests().length);
  }
}
