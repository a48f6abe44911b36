import type { Command } from "commander";
import { registerCalibrate } from "./calibrate.ts";
import { registerCompare } from "./compare.ts";
import { registerExplore } from "./explore.ts";
import { registerKernels } from "./kernels.ts";
import { registerModels } from "./models.ts";
import { registerPim } from "./pim.ts";
import { registerPresets } from "./presets.ts";
import { registerReproduce } from "./reproduce.ts";
import { registerRun } from "./run.ts";
import { registerSchema } from "./schema.ts";
import { registerSweep } from "./sweep.ts";
import { registerSystems } from "./systems.ts";
import { registerValidate } from "./validate.ts";

/**
 * Every subcommand registers itself on the program, in the order `papi --help` lists them. Registration files
 * import only commander types and the light CLI helpers; each action loads its implementation when it runs.
 */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerReproduce,
  registerRun,
  registerSweep,
  registerCompare,
  registerExplore,
  registerCalibrate,
  registerPresets,
  registerSystems,
  registerModels,
  registerKernels,
  registerPim,
  registerValidate,
  registerSchema,
];
