// Tests for the per-file duplicate key tracker: which keys count as the same, the earlier line it names,
// growth past many keys and the key limit.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DuplicateKeyTracker, hashKey } from "./duplicate-key-tracker.ts";
import type { ValidRecord } from "./record-schema.ts";
import { createRecordValidator } from "./record-validator.ts";
import {
  accountLine,
  activityLine,
  fixture_now,
  statementLine,
  subjectLine,
  syntheticResidentId,
} from "./test-fixtures.ts";

const validate = createRecordValidator({ now: fixture_now, require_negative_notice: false });

function record(line: Record<string, unknown>): ValidRecord {
  const check = validate(line);
  assert.ok(check.ok, check.ok ? "" : check.message);
  return check.record;
}

test("natural keys follow the record type: deletes share the key of what they withdraw", () => {
  const tracker = new DuplicateKeyTracker();
  const id = syntheticResidentId(1);
  const firsts = [subjectLine(1), accountLine(1), statementLine(1), activityLine(1)];
  firsts.forEach((line, i) => {
    assert.equal(
      tracker.check(record(line), i + 1),
      undefined,
      "types never share a key on one subject or account",
    );
  });
  const deletes = [
    { type: "subject", op: "delete", id_type: "cn_resident_id", id_number: id },
    { type: "account", op: "delete", account_ref: "ACC-1" },
    { type: "statement", op: "delete", account_ref: "ACC-1", period: "2025-05" },
    {
      type: "activity",
      op: "delete",
      id_type: "cn_resident_id",
      id_number: id,
      category: "utilities",
      period: "2025-05",
    },
  ];
  deletes.forEach((line, i) => {
    // Statements are kept as bits, without their line; other keys name the earlier line.
    const earlier = line.type === "statement" ? "An earlier line" : `Line ${i + 1}`;
    assert.match(tracker.check(record(line), 10 + i)?.message ?? "", new RegExp(`^${earlier} `));
  });
  assert.equal(tracker.check(record(activityLine(1, { category: "telecom" })), 20), undefined);
});

test("a repeated key names the first line; different keys pass", () => {
  const tracker = new DuplicateKeyTracker();
  assert.equal(tracker.check(record(accountLine(1)), 10), undefined);
  assert.equal(tracker.check(record(accountLine(2)), 11), undefined);
  const duplicate = tracker.check(record(accountLine(1, { principal_minor: 7 })), 12);
  assert.equal(duplicate?.code, "DUPLICATE_KEY");
  assert.equal(duplicate?.line, 12);
  assert.match(duplicate?.message ?? "", /^Line 10 of this file has the same account key/);
  assert.equal(tracker.size, 2);
  assert.equal(tracker.check(record(accountLine(5)), 2 ** 32 + 5), undefined);
  assert.match(tracker.check(record(accountLine(5)), 2 ** 32 + 9)?.message ?? "", /^An earlier line /);
});

test("statements: a repeated (account, month) is found in any order and at any distance in time", () => {
  const tracker = new DuplicateKeyTracker();
  const month = (m: number) => `${2000 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
  // Three accounts, 25 years of months each, oldest first, newest first and interleaved: most months fall
  // outside an account's 64-month window and are kept hashed, with their line.
  const order = Array.from({ length: 300 }, (_, m) => m);
  const plans = [order, [...order].reverse(), order.map((m) => (m * 7) % 300)];
  let line = 0;
  for (const [a, plan] of plans.entries()) {
    for (const m of plan) {
      const statement = record(statementLine(a + 1, { period: month(m) }));
      assert.equal(tracker.check(statement, ++line), undefined, `first ${month(m)} of account ${a + 1}`);
    }
  }
  assert.equal(tracker.size, 900);
  for (const [a, plan] of plans.entries()) {
    for (const m of plan) {
      const again = tracker.check(
        record(statementLine(a + 1, { period: month(m), balance_minor: 1 })),
        ++line,
      );
      assert.equal(again?.code, "DUPLICATE_KEY", `repeat of ${month(m)} on account ${a + 1}`);
      assert.match(
        again?.message ?? "",
        /^(An earlier line|Line \d+) of this file has the same statement key/,
      );
    }
  }
  assert.equal(tracker.size, 900);
  // The same month on another account is another key, whichever account came just before.
  assert.equal(tracker.check(record(statementLine(4, { period: month(0) })), ++line), undefined);
  const first = (n: number) => tracker.check(record(statementLine(n, { period: month(0) })), ++line)?.code;
  assert.deepEqual([5, 4, 5, 1, 5].map(first), [
    undefined,
    "DUPLICATE_KEY",
    "DUPLICATE_KEY",
    "DUPLICATE_KEY",
    "DUPLICATE_KEY",
  ]);
});

test("every key is still found after the index has grown many times", () => {
  const tracker = new DuplicateKeyTracker();
  const count = 50_000;
  const records = Array.from({ length: count }, (_, i) =>
    record({ type: "account", op: "delete", account_ref: `A${i.toString(36)}` }),
  );
  for (const [i, r] of records.entries()) assert.equal(tracker.check(r, i + 1), undefined);
  assert.equal(tracker.size, count);
  for (let i = 0; i < count; i += 997) {
    assert.match(
      tracker.check(records[i] as ValidRecord, count + 1)?.message ?? "",
      new RegExp(`^Line ${i + 1} `),
    );
  }
});

test("keys beyond keys_max are refused, while known keys are still reported as duplicates", () => {
  const tracker = new DuplicateKeyTracker({ keys_max: 2 });
  assert.equal(tracker.check(record(statementLine(1)), 1), undefined);
  assert.equal(tracker.check(record(statementLine(2)), 2), undefined);
  assert.equal(tracker.check(record(statementLine(3)), 3)?.code, "FILE_KEYS_LIMIT");
  assert.equal(tracker.check(record(statementLine(1)), 4)?.code, "DUPLICATE_KEY");
  assert.throws(() => new DuplicateKeyTracker({ keys_max: 0 }));
});

test("the hash depends on every code unit, on the length and on the seed", () => {
  const hash = (key: string, seed = 1): string => {
    const words = new Uint32Array(16);
    const units = new Uint16Array(words.buffer);
    for (let i = 0; i < key.length; i++) units[i] = key.charCodeAt(i);
    // Leftovers of a longer earlier key must not leak into the padding.
    units.fill(0x7777, key.length);
    const out = new Uint32Array(4);
    hashKey(words, key.length, seed, out);
    return Array.from(out).join(",");
  };
  assert.equal(hash("T\u001fACC-1\u001f2025-05"), hash("T\u001fACC-1\u001f2025-05"));
  assert.notEqual(hash("a"), hash("a\u0000"));
  assert.notEqual(hash("abcdefgh"), hash("abcdefgi"));
  assert.notEqual(hash("abc"), hash("abd"));
  assert.notEqual(hash("名"), hash("吊"));
  assert.notEqual(hash("abc", 1), hash("abc", 2));
  const distinct = new Set(Array.from({ length: 10_000 }, (_, i) => hash(`k${i}`)));
  assert.equal(distinct.size, 10_000);
});
