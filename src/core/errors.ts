/**
 * A mistake in what the user gave us (a flag, a config file, a trace). The CLI prints its message
 * as one line and exits non-zero; anything else that is thrown is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}

/** Throws a UserError unless `cond` holds. */
export function require_(cond: unknown, message: string): asserts cond {
  if (!cond) throw new UserError(message);
}

/** Formats zod issues as one line: `field.path: message; other: message`. */
export function formatZodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = "",
): string {
  return issues
    .map((i) => {
      const path = i.path.map(String).join(".");
      return `${prefix}${path ? path + ": " : ""}${i.message}`;
    })
    .join("; ");
}
