import { test } from "node:test";
import assert from "node:assert/strict";
import { formatZodIssues, require_, UserError } from "../../src/core/errors.ts";

test("UserError is an Error named UserError; require_ throws one only when the condition is falsy", () => {
  const e = new UserError("bad");
  assert.ok(e instanceof Error);
  assert.equal(e.name, "UserError");
  assert.doesNotThrow(() => require_(true, "x"));
  assert.doesNotThrow(() => require_(1, "x"));
  for (const falsy of [false, 0, "", null, undefined]) {
    assert.throws(() => require_(falsy, "flag --x: must be positive"), (err: unknown) => err instanceof UserError && err.message === "flag --x: must be positive");
  }
});

test("formatZodIssues: one line, path: message joined by '; ', with the prefix on every issue", () => {
  const issues = [
    { path: ["a", 0, "b"], message: "too big" },
    { path: [], message: "no path" },
  ];
  assert.equal(formatZodIssues(issues), "a.0.b: too big; no path");
  assert.equal(formatZodIssues(issues, "cfg: "), "cfg: a.0.b: too big; cfg: no path");
  assert.equal(formatZodIssues([]), "");
});
