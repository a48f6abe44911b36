import { UserError } from "../core/errors.ts";
import { parseRunConfig, systemOf } from "../serving/run.ts";
import { fieldSources, loadRunConfig, RUN_CONFIG_FIELDS } from "../node/run-config.ts";
import { FIG8_MODELS } from "./experiments.ts";
import { PAPER_SETUP, REPORT_SYSTEMS, SETUP_FIELDS, applySetup, setupGpu, setupPimDesign, type ReportSetup } from "./setup.ts";
import { FIG2_GPU } from "./figures/fig2.ts";
import { FIG4_DESIGNS } from "./figures/fig4.ts";
import { FIG7_DESIGNS } from "./figures/fig7.ts";

/**
 * The setup of `papi reproduce --config FILE --set path=value`: the run config is read and checked exactly as
 * `papi run` reads it (node/run-config.ts: same schema, same one-line messages), then only the fields a
 * reproduction can vary are kept. A field the figures set themselves (system, model, batch, spec, ...) is a
 * one-line error naming it. The setup is then resolved on every system, model and device the report draws, so a
 * bad combination fails before anything runs or is written.
 */
export function loadReproduceSetup(src: { configPath?: string; sets?: readonly string[] }): { setup: ReportSetup; seed?: number } {
  const sets = src.sets ?? [];
  if (src.configPath === undefined && sets.length === 0) return { setup: PAPER_SETUP };
  const where = fieldSources({ configPath: src.configPath, sets });
  const refused = [...where.keys()].filter((k) => RUN_CONFIG_FIELDS.includes(k) && !(SETUP_FIELDS as readonly string[]).includes(k));
  if (refused.length > 0) {
    const first = refused[0];
    throw new UserError(
      `${where.get(first)}: papi reproduce sets ${refused.join(", ")} itself in every figure; a reproduction takes only ${SETUP_FIELDS.join(", ")}`,
    );
  }
  const { config } = loadRunConfig({ configPath: src.configPath, sets });
  const setup: ReportSetup = { hardware: config.hardware };
  if (config.gpus !== undefined) setup.gpus = config.gpus;
  if (config.fcStacks !== undefined) setup.fcStacks = config.fcStacks;
  if (config.attnStacks !== undefined) setup.attnStacks = config.attnStacks;
  if (config.acceptanceRate !== undefined) setup.acceptanceRate = config.acceptanceRate;
  if (where.has("draft")) setup.draft = config.draft;
  if (where.has("profile")) setup.profile = config.profile;
  if (Object.keys(config.assumptions).length > 0) setup.assumptions = config.assumptions;
  checkSetup(setup);
  return { setup, ...(where.has("seed") ? { seed: config.seed } : {}) };
}

/** Resolves the setup on every system x model and every device the report draws; one-line error on the first misfit. */
export function checkSetup(setup: ReportSetup): void {
  for (const system of REPORT_SYSTEMS) {
    for (const model of FIG8_MODELS) {
      try {
        systemOf(parseRunConfig(applySetup({ system, model }, setup)));
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`${e.message} (with system ${system}, model ${model})`);
        throw e;
      }
    }
  }
  setupGpu(setup, FIG2_GPU);
  setupGpu(setup, "a100-hbm3");
  for (const d of [...FIG4_DESIGNS, ...FIG7_DESIGNS]) setupPimDesign(setup, d.role, d.design);
}
