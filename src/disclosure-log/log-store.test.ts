import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ManualClock } from "../config/clock.ts";
import { describeEachBackend } from "../db/testing.ts";
import { commitSubject, decodeEntry } from "./entry.ts";
import {
  bureauLogVerifierKey,
  checkpointAt,
  enqueueDisclosure,
  entriesBetween,
  entriesOfSubject,
  LogSequencer,
  latestCheckpoint,
  proveConsistency,
  proveInclusion,
  UpperSubtreeCache,
} from "./log-store.ts";
import { verifyCheckpoint, verifyCheckpointConsistency, verifyEntryInclusion } from "./verify.ts";

const origin = "credence.test/log";
const seed = randomBytes(32);
const vkey = bureauLogVerifierKey(origin, ed25519.getPublicKey(seed));
const clock = new ManualClock("2026-11-01T08:00:00Z");
const subject = randomBytes(32);

function disclosure(i: number) {
  return {
    at: new Date(clock.now().getTime() + i),
    recipient: i % 2 ? "bank-a" : "bank-b",
    product: "report" as const,
    purpose: "loan_origination",
    consent_sha256: "ab".repeat(32),
    subject_key: i % 10 === 0 ? subject : randomBytes(32),
    furnishers: [{ institution: "platform-x", records: 1 + i }],
    price_minor: 100n,
    currency: "CNY",
  };
}

describeEachBackend("disclosure log store", (backend) => {
  it("integrates queued entries into signed checkpoints whose proofs verify", async () => {
    const { db } = backend();
    const sequencer = new LogSequencer(db, { origin, seed, clock });
    for (let i = 0; i < 37; i++) await enqueueDisclosure(db, disclosure(i));
    assert.deepEqual(await sequencer.integrate(20), { integrated: 20, size: 20 });
    const first = verifyCheckpoint((await latestCheckpoint(db))?.note as string, vkey);
    assert.equal(first.size, 20);
    assert.equal(await sequencer.drain(), 37);
    const second = verifyCheckpoint((await latestCheckpoint(db))?.note as string, vkey);
    assert.equal(second.size, 37);
    verifyCheckpointConsistency(first, second, await proveConsistency(db, 20, 37));
    const entries = await entriesBetween(db, 0, 37);
    assert.deepEqual(
      entries.map((entry) => entry.index),
      [...Array(37).keys()],
    );
    for (const entry of entries) {
      assert.equal(decodeEntry(entry.bytes).sequence, entry.index);
      verifyEntryInclusion(entry.bytes, entry.index, await proveInclusion(db, entry.index, 37), second);
    }
    assert.throws(() => verifyEntryInclusion(entries[3]?.bytes as Uint8Array, 4, [], second));
  });

  it("serves the same proofs from a cache of the upper levels, and those proofs verify", async () => {
    const { db } = backend();
    const checkpoint = verifyCheckpoint((await latestCheckpoint(db))?.note as string, vkey);
    const warmed = new UpperSubtreeCache({ level_min: 2 });
    await warmed.warm(db);
    const filled = new UpperSubtreeCache({ level_min: 2 });
    // 37 leaves hold nine complete subtrees of four leaves, four of eight, two of sixteen, one of 32.
    assert.equal(warmed.size, 16);
    for (const entry of await entriesBetween(db, 0, 37)) {
      const plain = await proveInclusion(db, entry.index, 37);
      assert.deepEqual(await proveInclusion(db, entry.index, 37, warmed), plain);
      assert.deepEqual(await proveInclusion(db, entry.index, 37, filled), plain);
      verifyEntryInclusion(entry.bytes, entry.index, plain, checkpoint);
    }
    assert.equal(filled.size, 16, "every subtree a proof read at the cached levels is kept");
    assert.deepEqual(await proveConsistency(db, 5, 37, warmed), await proveConsistency(db, 5, 37));
  });

  it("lets a subject open the commitments of exactly their own entries", async () => {
    const { db } = backend();
    const mine = await entriesOfSubject(db, subject);
    assert.deepEqual(
      mine.map((entry) => entry.index),
      [0, 10, 20, 30],
    );
    for (const entry of mine) {
      assert.equal(
        decodeEntry(entry.bytes).subject_commitment,
        commitSubject(entry.salt_hex, subject.toString("hex")),
      );
    }
  });

  it("continues the same tree after a restart, never shrinking or forking", async () => {
    const { db } = backend();
    const before = await checkpointAt(db, 37);
    const restarted = new LogSequencer(db, { origin, seed, clock });
    for (let i = 37; i < 40; i++) await enqueueDisclosure(db, disclosure(i));
    assert.equal(await restarted.drain(), 40);
    const after = verifyCheckpoint((await latestCheckpoint(db))?.note as string, vkey);
    verifyCheckpointConsistency(
      verifyCheckpoint(before?.note as string, vkey),
      after,
      await proveConsistency(db, 37, 40),
    );
  });

  it("leaves the queue untouched when a batch fails before commit", async () => {
    const { db } = backend();
    await enqueueDisclosure(db, disclosure(40));
    await db.exec("ALTER TABLE log_entries ADD CONSTRAINT no_more CHECK (idx < 40)");
    const sequencer = new LogSequencer(db, { origin, seed, clock });
    await assert.rejects(sequencer.integrate());
    assert.equal((await db.query("SELECT 1 FROM log_queue")).length, 1);
    await db.exec("ALTER TABLE log_entries DROP CONSTRAINT no_more");
    assert.equal(await sequencer.drain(), 41);
  });
});
