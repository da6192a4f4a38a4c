// Checks that the verifier and everything it imports can run in a browser: no Node built-ins,
// no Buffer, no process, and only browser-safe packages.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const browser_entry_points = [
  "verify.ts",
  "entry.ts",
  "witness-state.ts",
  "subtree-proofs.ts",
  "compact-range.ts",
];
const browser_safe_packages = [/^@noble\/hashes\//, /^@noble\/curves\//, /^zod$/];

test("the browser verifier's import graph uses no Node-only API", () => {
  const seen = new Set<string>();
  const pending = [...browser_entry_points];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(new URL(file, import.meta.url), "utf8");
    for (const [, specifier] of source.matchAll(/from "([^"]+)"/g)) {
      if (specifier?.startsWith("./")) pending.push(specifier.slice(2));
      else
        assert.ok(
          browser_safe_packages.some((p) => p.test(specifier ?? "")),
          `${file} imports ${specifier}`,
        );
    }
    const code = source.replace(/\/\/[^\n]*/g, "");
    assert.doesNotMatch(code, /\bBuffer\b|\bprocess\.|\brequire\(/, file);
  }
  assert.ok(seen.has("note.ts") && seen.has("merkle.ts") && seen.has("checkpoint.ts"));
});
