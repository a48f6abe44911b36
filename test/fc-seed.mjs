// Loaded before every test file by scripts/run-tests.mjs (plain JS: worker threads inherit the flag, without tsx).
// Property tests draw from a fixed seed, so a run is reproducible and CI cannot fail on a draw nobody can replay.
// FC_SEED=<number> tries another seed; FC_SEED=random lets fast-check pick one (it prints the seed of a failure).
import fc from "fast-check";

const env = process.env.FC_SEED;
if (env !== "random") fc.configureGlobal({ seed: env === undefined ? 20261127 : Number(env) });
