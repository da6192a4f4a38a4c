import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  replay_window_s,
  signature_header_length_max,
  signWebhook,
  verifyWebhookSignature,
} from "./webhook-signature.ts";

const secret = "whsec_test-secret";
const body = '{"id":"0b6f1c1e-8a52-4c0e-9d7e-3f1f3f1f3f1f","type":"inquiry.new"}';
const signed_at = new Date("2026-11-01T08:00:00Z");
const header = signWebhook(secret, body, signed_at);
const at = (seconds: number) => new Date(signed_at.getTime() + seconds * 1000);

describe("webhook signatures", () => {
  it("has the documented form and verifies with the secret", () => {
    assert.match(header, /^t=1793520000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyWebhookSignature({ secret, header, body, now: signed_at }), {
      ok: true,
      signed_at,
    });
  });

  it("is HMAC-SHA256 over the timestamp, a dot and the body, so receivers can check it in any language", async () => {
    const { createHmac } = await import("node:crypto");
    const expected = createHmac("sha256", secret).update(`1793520000.${body}`).digest("hex");
    assert.equal(header, `t=1793520000,v1=${expected}`);
  });

  it("rejects a changed body, another secret and a missing or malformed header", () => {
    assert.deepEqual(verifyWebhookSignature({ secret, header, body: `${body} `, now: signed_at }), {
      ok: false,
      reason: "mismatch",
    });
    assert.equal(verifyWebhookSignature({ secret: "whsec_other", header, body, now: signed_at }).ok, false);
    assert.deepEqual(verifyWebhookSignature({ secret, header: undefined, body, now: signed_at }), {
      ok: false,
      reason: "missing",
    });
    for (const bad of [
      "v1=abc",
      "t=1793520000",
      "t=soon,v1=00",
      "garbage",
      "x".repeat(signature_header_length_max + 1),
    ]) {
      assert.deepEqual(verifyWebhookSignature({ secret, header: bad, body, now: signed_at }), {
        ok: false,
        reason: "malformed",
      });
    }
  });

  it(`accepts a signature up to ${replay_window_s} s old or early and rejects one beyond`, () => {
    for (const seconds of [replay_window_s, -replay_window_s]) {
      assert.equal(verifyWebhookSignature({ secret, header, body, now: at(seconds) }).ok, true);
    }
    for (const seconds of [replay_window_s + 1, -replay_window_s - 1]) {
      assert.deepEqual(verifyWebhookSignature({ secret, header, body, now: at(seconds) }), {
        ok: false,
        reason: "outside_window",
      });
    }
  });

  it("accepts any matching v1 entry, so a sender may sign with an old and a new secret during a rotation", () => {
    const old = signWebhook("whsec_old", body, signed_at).split(",")[1];
    assert.equal(
      verifyWebhookSignature({ secret, header: `${header},${old}`, body, now: signed_at }).ok,
      true,
    );
    assert.equal(
      verifyWebhookSignature({ secret: "whsec_old", header: `${header},${old}`, body, now: signed_at }).ok,
      true,
    );
  });

  it("verifies the raw bytes as received", () => {
    const bytes = new TextEncoder().encode(body);
    assert.equal(verifyWebhookSignature({ secret, header, body: bytes, now: signed_at }).ok, true);
  });
});
