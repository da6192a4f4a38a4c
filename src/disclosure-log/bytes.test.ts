// Tests for the strict base64 and hex codecs that signed text depends on.

import assert from "node:assert/strict";
import { test } from "node:test";
import { base64Decode, base64Encode, hexDecode, hexEncode } from "./bytes.ts";

test("base64 agrees with Node's encoder for every length and round-trips", () => {
  for (let length = 0; length <= 40; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) % 256);
    const text = base64Encode(bytes);
    assert.equal(text, Buffer.from(bytes).toString("base64"));
    assert.deepEqual(base64Decode(text), bytes);
  }
});

test("base64 decoding accepts only the canonical padded form", () => {
  assert.deepEqual(base64Decode("AQI="), new Uint8Array([1, 2]));
  for (const text of ["AQI", "AQ=I", "AQJ=", "AQ==AQ==", " AQI=", "AQI=\n", "AQ-_", "====", "A==="]) {
    assert.equal(base64Decode(text), null, text);
  }
});

test("hex decoding accepts only lowercase pairs", () => {
  assert.equal(hexEncode(new Uint8Array([0, 171, 255])), "00abff");
  assert.deepEqual(hexDecode("00abff"), new Uint8Array([0, 171, 255]));
  for (const text of ["00ABFF", "0ab", "0g", " 00"]) assert.equal(hexDecode(text), null, text);
});
