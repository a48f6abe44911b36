/**
 * The worker threads of a sweep. ASSUMPTION: more threads than the CPUs the process may use (Node's
 * availableParallelism: the CPU affinity mask, so a Slurm allocation or `taskset` counts) only adds memory (about
 * 30 MB per worker) and contention, never speed, and the results do not depend on the count; so a larger `--jobs` is
 * clamped to the available CPUs with a one-line notice instead of refused (a job script written for a bigger node
 * still runs). Omitted: every available CPU.
 */
export function sweepWorkerCount(requested: number | undefined, available: number): { jobs: number; notice?: string } {
  const cpus = Math.max(1, Math.floor(available));
  if (requested === undefined) return { jobs: cpus };
  if (requested <= cpus) return { jobs: requested };
  return {
    jobs: cpus,
    notice: `papi sweep: --jobs ${requested} is more than the ${cpus} CPU${cpus === 1 ? "" : "s"} this process may use; running ${cpus} worker thread${cpus === 1 ? "" : "s"} (results do not depend on --jobs)`,
  };
}
