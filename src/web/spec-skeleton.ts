/**
 * A spec without its inline data (every `data: { values }` replaced by its position), and those data arrays: two
 * specs with the same skeleton draw the same chart of different data.
 */
export function specSkeleton(spec: unknown): { skeleton: string; datasets: unknown[][] } {
  const datasets: unknown[][] = [];
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x === null || typeof x !== "object") return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === "data" && v !== null && typeof v === "object" && Array.isArray((v as { values?: unknown }).values)) {
        const { values, ...rest } = v as { values: unknown[] };
        out[k] = { ...(strip(rest) as object), values: `#${datasets.push(values) - 1}` };
      } else out[k] = strip(v);
    }
    return out;
  };
  return { skeleton: JSON.stringify(strip(spec)), datasets };
}
