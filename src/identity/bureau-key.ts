// The bureau's Ed25519 signing key in the forms its users need: Node key objects, a JWK set, raw bytes.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { Keyring } from "../config/keyring.ts";

export interface BureauKey {
  readonly private_key: KeyObject;
  readonly public_key: KeyObject;
  /** The 32-byte Ed25519 public key. */
  readonly public_raw: Buffer;
  /** The 32-byte seed, for signers that take raw keys (signed notes). */
  readonly seed: Buffer;
  /** RFC 7638 thumbprint of the public JWK; the `kid` of every JWS the bureau signs. */
  readonly kid: string;
  readonly public_jwk: { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; alg: "EdDSA"; use: "sig" };
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte prefix, then the 32 bytes.
const pkcs8_ed25519_prefix = Buffer.from("302e020100300506032b657004220420", "hex");

export function bureauKey(keyring: Pick<Keyring, "signing_seed">): BureauKey {
  const private_key = createPrivateKey({
    key: Buffer.concat([pkcs8_ed25519_prefix, keyring.signing_seed]),
    format: "der",
    type: "pkcs8",
  });
  const public_key = createPublicKey(private_key);
  const x = public_key.export({ format: "jwk" }).x as string;
  const thumbprint = createHash("sha256")
    .update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`)
    .digest("base64url");
  return {
    private_key,
    public_key,
    public_raw: Buffer.from(x, "base64url"),
    seed: Buffer.from(keyring.signing_seed),
    kid: thumbprint,
    public_jwk: { kty: "OKP", crv: "Ed25519", x, kid: thumbprint, alg: "EdDSA", use: "sig" },
  };
}
