// Tests for canonical JSON serialisation.

import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson } from "./canonical-json.ts";

test("sorts keys at every depth and writes no white space", () => {
  assert.equal(
    canonicalJson({ b: [{ z: 1, a: null }], a: true, "": "x" }),
    '{"":"x","a":true,"b":[{"a":null,"z":1}]}',
  );
});

test("escapes strings as JSON.stringify does", () => {
  assert.equal(canonicalJson({ q: 'a"b\\c\n\u0001é' }), '{"q":"a\\"b\\\\c\\n\\u0001é"}');
});

test("asserts that numbers are safe integers, since other numbers have no single reading", () => {
  assert.equal(canonicalJson(-9007199254740991), "-9007199254740991");
  assert.throws(() => canonicalJson(0.5), /invariant violated/);
  assert.throws(() => canonicalJson(2 ** 53), /invariant violated/);
});
