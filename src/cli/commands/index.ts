import type { Command } from "commander";
import { registerCalibrate } from "./calibrate.ts";
import { registerKernels } from "./kernels.ts";
import { registerModels } from "./models.ts";
import { registerPim } from "./pim.ts";
import { registerReproduce } from "./reproduce.ts";
import { registerRun } from "./run.ts";
import { registerSchema } from "./schema.ts";
import { registerSystems } from "./systems.ts";
import { registerValidate } from "./validate.ts";

/** Every subcommand registers itself on the program, in the order `papi --help` lists them. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerReproduce,
  registerRun,
  registerCalibrate,
  registerSystems,
  registerModels,
  registerKernels,
  registerPim,
  registerValidate,
  registerSchema,
];
