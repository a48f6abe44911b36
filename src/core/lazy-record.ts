/**
 * A frozen record whose values are built on first read, once: presets checked by their schema (a zod parse costs
 * about a millisecond each at start-up, and `papi run` reads one system, model and GPU of the dozens defined).
 *
 * It reads like the eager `Object.freeze(Object.fromEntries(entries.map(build)))`: the same keys in the same
 * order, enumerable (Object.keys / entries / values, spreading, JSON and structured clones see every value),
 * `hasOwnProperty` and `in` answer without building, and each read returns the same object. A value whose build
 * throws throws on every read (a test that reads every preset still catches a bad one).
 */
export function lazyRecord<I, T>(inputs: Readonly<Record<string, I>>, build: (input: I, key: string) => T): Readonly<Record<string, T>> {
  const out: Record<string, T> = {};
  for (const [key, input] of Object.entries(inputs)) {
    let value: T | undefined;
    let built = false;
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: false,
      get(): T {
        if (!built) {
          value = build(input, key);
          built = true;
        }
        return value as T;
      },
    });
  }
  return Object.freeze(out);
}
