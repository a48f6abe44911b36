import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";

// A real single-node Slurm (Debian slurm-wlm + munge) runs examples/slurm/submit.sh: a 4-task job array of a small
// sweep plus the dependent merge job. The merged table must equal the single-process `papi sweep` output byte for
// byte. .ci/run installs the packages; the test skips only where they are missing. Daemons are started here and
// stopped by their PIDs at the end.

// test-lane: process (it mostly waits on Slurm's daemons and jobs, so it runs beside the other tests: scripts/run-tests.mjs)
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/papi.mjs");
const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const missing = ["sbatch", "slurmctld", "slurmd", "munged", "sinfo", "squeue"].filter((c) => !have(c));

const SPEC = `name: slurm-test
base: { system: papi, model: llama-65b, trace: dolly-creative }
grid:
  hardware.fcPim.numFpus: [1, 4]
  spec: [1, 4]
zip:
  - { batch: [4, 16], requests: [4, 16] }
metrics: [latencySec, energyJoules, areaMm2]
`;

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(what: string, timeoutMs: number, ok: () => boolean, log: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (ok()) return;
    await sleep(500);
  }
  assert.fail(`timed out waiting for ${what}\n${log()}`);
}

test("a Slurm job array of 4 shards plus a dependent merge equals the single-process sweep", { skip: missing.length > 0 ? `not installed: ${missing.join(", ")} (.ci/run installs slurm-wlm and munge)` : false, timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-slurm-"));
  const daemons: ChildProcess[] = [];
  try {
    for (const d of ["state", "spool", "work"]) mkdirSync(join(dir, d));
    writeFileSync(join(dir, "munge.key"), randomBytes(1024));
    chmodSync(join(dir, "munge.key"), 0o400);
    const node = spawnSync("slurmd", ["-C"], { encoding: "utf8" }).stdout.split("\n")[0].replace(/\s+UpTime=.*$/, "");
    assert.match(node, /^NodeName=\S+ CPUs=\d+/);
    const port = 20000 + (process.pid % 20000);
    const conf = join(dir, "slurm.conf");
    writeFileSync(conf, [
      "ClusterName=papitest", `SlurmctldHost=${hostname()}`, `SlurmctldPort=${port}`, `SlurmdPort=${port + 1}`,
      "AuthType=auth/munge", "CredType=cred/munge", `AuthInfo=socket=${dir}/munge.sock`, "SlurmUser=root", "SlurmdUser=root",
      `StateSaveLocation=${dir}/state`, `SlurmdSpoolDir=${dir}/spool`, `SlurmctldPidFile=${dir}/slurmctld.pid`, `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`, `SlurmdLogFile=${dir}/slurmd.log`,
      // a container without cgroups: track processes by parent PID, no task plugin
      "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "JobAcctGatherType=jobacct_gather/none",
      "AccountingStorageType=accounting_storage/none", "JobCompType=jobcomp/none", "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core",
      "MpiDefault=none", "ReturnToService=2", "MinJobAge=600",
      `${node} State=UNKNOWN`, "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP", "",
    ].join("\n"));
    const env = { ...process.env, SLURM_CONF: conf, PAPI: `${process.execPath} ${BIN}` };
    const start = (cmd: string, args: string[]) => {
      const p = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "ignore"] });
      daemons.push(p);
      return p;
    };
    start("munged", ["-F", "-f", `--key-file=${dir}/munge.key`, `--socket=${dir}/munge.sock`, `--pid-file=${dir}/munged.pid`, `--log-file=${dir}/munged.log`, `--seed-file=${dir}/munged.seed`]);
    await waitFor("munged", 20_000, () => existsSync(join(dir, "munge.sock")), () => "");
    start("slurmctld", ["-D", "-f", conf]);
    start("slurmd", ["-D", "-f", conf]);
    const logs = () => ["slurmctld.log", "slurmd.log"].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8").slice(-2000) : "")).join("\n");
    await waitFor("an idle node", 60_000, () => /idle/.test(spawnSync("sinfo", ["-h", "-o", "%T"], { env, encoding: "utf8" }).stdout), logs);

    const spec = join(dir, "spec.yaml");
    writeFileSync(spec, SPEC);
    const out = join(dir, "work", "run");
    const sub = spawnSync("bash", [join(ROOT, "examples/slurm/submit.sh"), spec, out, "4"], { env, encoding: "utf8", cwd: join(dir, "work") });
    assert.equal(sub.status, 0, sub.stderr);
    await waitFor("the array and the merge job", 180_000, () => spawnSync("squeue", ["-h"], { env, encoding: "utf8" }).stdout.trim() === "", logs);
    const merged = join(out, "merged", "results.csv");
    assert.ok(existsSync(merged), `no merged table; job output:\n${spawnSync("sh", ["-c", `cat ${out}/*.out`], { encoding: "utf8" }).stdout}`);

    const single = join(dir, "single");
    const r = spawnSync(process.execPath, [BIN, "sweep", spec, "--out", single, "--jobs", "1"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const a = readFileSync(merged, "utf8");
    const b = readFileSync(join(single, "results.csv"), "utf8");
    assert.equal(a.split("\n").length, 8 + 2); // header, 8 points, trailing newline
    assert.deepEqual(a.split("\n"), b.split("\n"));
    assert.deepEqual(readFileSync(join(out, "merged", "results.parquet")), readFileSync(join(single, "results.parquet")));
    // every shard ran its own 2 points
    for (let s = 0; s < 4; s++) assert.equal(JSON.parse(readFileSync(join(out, `shard-${s}`, "sweep.json"), "utf8")).numShardPoints, 2);
  } finally {
    for (const p of daemons.reverse()) if (p.pid !== undefined && p.exitCode === null) p.kill("SIGTERM");
    await sleep(500);
    for (const p of daemons) if (p.pid !== undefined && p.exitCode === null) p.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
