import type { Command } from "commander";
import { registerRun } from "./run.ts";
import { registerCalibrate } from "./calibrate.ts";
import { registerSchema } from "./schema.ts";
import { registerSystems } from "./systems.ts";

/** Every subcommand registers itself on the program. Add new commands here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerRun,
  registerCalibrate,
  registerSystems,
  registerSchema,];
