import type { Command } from "commander";
import { registerRun } from "./run.ts";
import { registerCalibrate } from "./calibrate.ts";
import { registerSchema } from "./schema.ts";
import { registerSystems } from "./systems.ts";
import { registerModels } from "./models.ts";
import { registerKernels } from "./kernels.ts";
import { registerValidate } from "./validate.ts";
import { registerPim } from "./pim.ts";

/** Every subcommand registers itself on the program. Add new commands here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerRun,
  registerCalibrate,
  registerSystems,
  registerSchema,
  registerModels,
  registerKernels,
  registerValidate,
  registerPim,];
