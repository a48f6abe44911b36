import { RANGES } from "../core/quantity.ts";
import { UserError } from "../core/errors.ts";
import { isPlainObject, setPath } from "../core/merge.ts";
import type { FcPolicy } from "../scheduling/policy.ts";
import { makePolicy, defaultScheduler } from "../scheduling/registry.ts";
import type { RunConfig } from "../serving/config.ts";
import { parseRunConfig, systemOf, systemSpecOf, type InputLoader } from "../serving/run.ts";
import { loadTrace, type RequestSpec } from "../serving/trace.ts";
import type { SystemContext } from "../systems/build.ts";
import { resolveSystem } from "../systems/resolve.ts";
import { roleDevices } from "../systems/devices.ts";
import type { SystemSpec } from "../systems/schema.ts";

/**
 * What the constraints and metrics of one point may look at, each part computed once and on demand: the resolved
 * system (or the error that stopped its resolution), the system context (weights placed), the requests, alpha.
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
  ) {}

  /** The resolved system, or the UserError its resolution gave (area rule, invalid values). */
  specOrError(): { spec: SystemSpec } | { error: UserError } {
    if (!this.specResult) {
      try {
        this.specResult = { spec: systemSpecOf(this.config) };
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        this.specResult = { error: e };
      }
    }
    return this.specResult;
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
    if (!this.relaxed) {
      let spec: SystemSpec | undefined;
      try {
        const d = roleDevices(resolveSystem(this.config.system));
        const raw = structuredClone(this.config) as unknown as Record<string, unknown>;
        const hw = isPlainObject(raw.hardware) ? raw.hardware : {};
        if (d.fcPim !== null) setPath(raw, "hardware.fcPim.area.maxDieAreaMm2", RANGES.areaMm2.max);
        if (d.attnPim !== null || hw.attnPim !== undefined) setPath(raw, "hardware.attnPim.area.maxDieAreaMm2", RANGES.areaMm2.max);
        spec = systemSpecOf(parseRunConfig(raw));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
      }
      this.relaxed = { spec };
    }
    return this.relaxed.spec;
  }

  /** The system context (throws the UserError of a model whose weights do not fit). */
  context(): SystemContext {
    return (this.ctxValue ??= systemOf(this.config, this.loader));
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
