/** Summary of relative errors (predicted - reference) / reference over the rows of one file. */
export interface ErrStats {
  rows: number;
  medianAbsRelErr: number;
  maxAbsRelErr: number;
}

/** Median and max of |relative error|; zeros for no rows. Pure (used by every `papi validate` kind). */
export function errStats(relErrs: readonly number[]): ErrStats {
  const abs = relErrs.map(Math.abs).sort((a, b) => a - b);
  const n = abs.length;
  const median = n === 0 ? 0 : n % 2 === 1 ? abs[(n - 1) / 2] : (abs[n / 2 - 1] + abs[n / 2]) / 2;
  return { rows: n, medianAbsRelErr: median, maxAbsRelErr: n === 0 ? 0 : abs[n - 1] };
}
