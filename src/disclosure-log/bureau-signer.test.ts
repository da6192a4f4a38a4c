// The bureau signs checkpoints with node:crypto; verifiers use the isomorphic code. Same key, same bytes.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bureauLogSigner, bureauLogVerifierKey } from "./log-store.ts";
import { ed25519Signer, ed25519Verifier, encodeSignerKey, signature_type_ed25519 } from "./note.ts";

test("the bureau's signer gives the isomorphic signer's bytes, which its verifier key accepts", () => {
  for (let i = 0; i < 20; i++) {
    const seed = new Uint8Array(randomBytes(32));
    const origin = "credence.example/log";
    const fast = bureauLogSigner(origin, seed);
    const reference = ed25519Signer(encodeSignerKey(origin, signature_type_ed25519, seed));
    assert.equal(fast.name, reference.name);
    assert.equal(fast.key_id, reference.key_id);
    const text = new Uint8Array(randomBytes(40 + i * 13));
    const signature = fast.sign(text);
    assert.deepEqual(signature, reference.sign(text));
    const verifier = ed25519Verifier(bureauLogVerifierKey(origin, ed25519.getPublicKey(seed)));
    assert.equal(verifier.verify(text, signature), true);
  }
});
