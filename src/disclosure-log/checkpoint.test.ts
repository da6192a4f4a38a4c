// Tests for checkpoint text: the spec's example, round trips and every rule of the format.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { base64Encode, hexEncode } from "./bytes.ts";
import type { Checkpoint } from "./checkpoint.ts";
import {
  extension_line_bytes_max,
  extension_lines_max,
  formatCheckpoint,
  origin_bytes_max,
  parseCheckpoint,
  signCheckpoint,
} from "./checkpoint.ts";
import { emptyRootHash, leafHash } from "./merkle.ts";
import { ed25519Signer, generateEd25519Key } from "./note.ts";
import { assertCode } from "./test-support.ts";

const root = leafHash(new TextEncoder().encode("synthetic root"));
const checkpoint: Checkpoint = { origin: "synthetic.example/log", size: 42, root_hash: root, extensions: [] };
const root_b64 = base64Encode(root);

describe("checkpoint text", () => {
  test("parses the example of c2sp.org/tlog-checkpoint", () => {
    const parsed = parseCheckpoint(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    );
    assert.equal(parsed.origin, "example.com/behind-the-sofa");
    assert.equal(parsed.size, 20852163);
    assert.equal(
      hexEncode(parsed.root_hash),
      "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62",
    );
    assert.deepEqual(parsed.extensions, []);
  });

  test("formats origin, size and base64 root on three lines and parses back", () => {
    const text = formatCheckpoint(checkpoint);
    assert.equal(text, `synthetic.example/log\n42\n${root_b64}\n`);
    assert.deepEqual(parseCheckpoint(text), checkpoint);
    const extended = { ...checkpoint, extensions: ["extension one", "extension two"] };
    assert.deepEqual(parseCheckpoint(formatCheckpoint(extended)), extended);
  });

  test("accepts the empty tree only with the empty root", () => {
    const empty = { ...checkpoint, size: 0, root_hash: emptyRootHash() };
    assert.deepEqual(parseCheckpoint(formatCheckpoint(empty)), empty);
    assertCode(() => parseCheckpoint(`synthetic.example/log\n0\n${root_b64}\n`), "LOG_MALFORMED_CHECKPOINT");
  });

  test("refuses text that breaks the format", () => {
    // 32 bytes leave two unused bits in the last base64 digit; setting one keeps the bytes the same.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const last_digit = alphabet.indexOf(root_b64.at(-2) as string);
    const non_canonical = `${root_b64.slice(0, -2)}${alphabet[last_digit ^ 1]}=`;
    const cases = {
      no_final_newline: `synthetic.example/log\n42\n${root_b64}`,
      two_lines: "synthetic.example/log\n42\n",
      empty_origin: `\n42\n${root_b64}\n`,
      empty_extension: `synthetic.example/log\n42\n${root_b64}\n\n`,
      leading_zero: `synthetic.example/log\n042\n${root_b64}\n`,
      negative: `synthetic.example/log\n-1\n${root_b64}\n`,
      plus_sign: `synthetic.example/log\n+1\n${root_b64}\n`,
      fraction: `synthetic.example/log\n4.2\n${root_b64}\n`,
      exponent: `synthetic.example/log\n4e2\n${root_b64}\n`,
      space: `synthetic.example/log\n 42\n${root_b64}\n`,
      beyond_2_53: `synthetic.example/log\n9007199254740992\n${root_b64}\n`,
      short_root: `synthetic.example/log\n42\n${base64Encode(root.slice(1))}\n`,
      non_canonical_root: `synthetic.example/log\n42\n${non_canonical}\n`,
      hex_root: `synthetic.example/log\n42\n${hexEncode(root)}\n`,
      carriage_return: `synthetic.example/log\r\n42\n${root_b64}\n`,
    };
    for (const [name, text] of Object.entries(cases)) {
      assert.throws(() => parseCheckpoint(text), { code: "LOG_MALFORMED_CHECKPOINT" }, name);
    }
  });

  test("holds origins and extension lines to their limits", () => {
    const at = (extra: Partial<Checkpoint>) => formatCheckpoint({ ...checkpoint, ...extra });
    at({ origin: "o".repeat(origin_bytes_max) });
    assertCode(() => at({ origin: "o".repeat(origin_bytes_max + 1) }), "LOG_MALFORMED_CHECKPOINT");
    at({ extensions: Array(extension_lines_max).fill("x") });
    assertCode(
      () => at({ extensions: Array(extension_lines_max + 1).fill("x") }),
      "LOG_MALFORMED_CHECKPOINT",
    );
    at({ extensions: ["x".repeat(extension_line_bytes_max)] });
    assertCode(
      () => at({ extensions: ["x".repeat(extension_line_bytes_max + 1)] }),
      "LOG_MALFORMED_CHECKPOINT",
    );
  });

  test("is signed by a key whose name is the origin", () => {
    const signer = ed25519Signer(generateEd25519Key("synthetic.example/log").signer_key);
    assert.ok(signCheckpoint(checkpoint, signer).startsWith(formatCheckpoint(checkpoint)));
    const other = ed25519Signer(generateEd25519Key("synthetic.example/other").signer_key);
    assertCode(() => signCheckpoint(checkpoint, other), "LOG_ORIGIN_MISMATCH");
  });
});
