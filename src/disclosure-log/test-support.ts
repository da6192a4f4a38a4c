// Assertions and synthetic logs shared by this folder's tests.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexEncode, utf8Encode } from "./bytes.ts";
import { signCheckpoint } from "./checkpoint.ts";
import type { LogEntry } from "./entry.ts";
import { encodeEntry } from "./entry.ts";
import { DomainError } from "./errors.ts";
import { MemorySubtreeStore } from "./memory-subtree-store.ts";
import { leafHash } from "./merkle.ts";
import type { NoteSigner } from "./note.ts";

/** Asserts that `fn` throws a DomainError with `code`. */
export function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DomainError && e.code === code, `expected ${code}`);
}

/** Asserts that `promise` rejects with a DomainError with `code`. */
export async function assertRejectsCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(
    promise,
    (e: unknown) => e instanceof DomainError && e.code === code,
    `expected ${code}`,
  );
}

/** An obviously synthetic entry: every identifier is derived from the sequence number and a label. */
export function syntheticEntry(sequence: number, label = "test"): LogEntry {
  const digest = (text: string) => hexEncode(sha256(utf8Encode(`${label}/${text}/${sequence}`)));
  return {
    sequence,
    time: new Date(Date.UTC(2024, 0, 1) + sequence * 1_000).toISOString(),
    recipient: `lender-${sequence % 3}`,
    product: "report",
    purpose: "loan_application",
    consent_sha256: digest("consent"),
    subject_commitment: digest("subject"),
    furnishers: [{ institution: `platform-${sequence % 5}`, records: 1 + (sequence % 4) }],
    price_minor: 250n,
    currency: "CNY",
  };
}

/** A log of synthetic entries in memory, signing checkpoints with the given key. */
export class TestLog {
  readonly store = new MemorySubtreeStore();
  readonly entries: Uint8Array[] = [];
  readonly #signer: NoteSigner;

  constructor(signer: NoteSigner) {
    this.#signer = signer;
  }

  /** Appends `count` synthetic entries; logs grown with different labels hold different entries. */
  grow(count: number, label = "test"): this {
    const fresh = Array.from({ length: count }, (_, i) =>
      encodeEntry(syntheticEntry(this.entries.length + i, label)),
    );
    this.entries.push(...fresh);
    this.store.append(fresh.map(leafHash));
    return this;
  }

  /** The signed checkpoint of the log as it is now. */
  checkpoint(): string {
    return signCheckpoint(
      { origin: this.#signer.name, size: this.store.size, root_hash: this.store.root(), extensions: [] },
      this.#signer,
    );
  }
}
