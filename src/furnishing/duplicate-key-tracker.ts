// Flags records whose natural key already appeared earlier in the same file, in memory outside the JavaScript
// heap. Each account named in the file has one entry (its hash, the line of its account record, and a
// 64-month window of statement bits around its first statement's period), so statements, nine in ten lines,
// take one bit each. Other keys, and statements outside their account's window, take a 16-byte hash and the
// line they came from. At most `keys_max` entries are kept.
import assert from "node:assert/strict";
import { getRandomValues } from "node:crypto";
import type { LineError } from "./errors.ts";
import type { ValidRecord } from "./record-schema.ts";

export const keys_max_default = 10_000_000;
// Index slots hold the entry number in 24 bits and 8 bits of hash, so entries are counted below 2^24.
const keys_max_limit = 0xff_ffff - 1;
const entries_per_block = 65_536;
const index_slots_initial = 1024;
const index_load_max = 0.75;
// An account's window starts this many months before its first statement's period, so files that list
// periods oldest first and newest first both fit up to 32 months.
const window_before = 31;

export interface DuplicateKeyTrackerOptions {
  /**
   * The most entries kept: one per account and one per other key (subjects, activities, statements outside
   * their account's window). A record that needs one more is rejected with FILE_KEYS_LIMIT.
   */
  keys_max?: number;
}

// Type tags and the separator of the key encoding; fields are validated ASCII without U+001F, so the
// encoding of a key is unambiguous.
const separator = 0x1f;
const typeTags: Record<ValidRecord["type"], number> = {
  subject: 0x53,
  account: 0x41,
  statement: 0x54,
  activity: 0x56,
};
// The longest key is a statement's: a tag, a 64-character account_ref and a period, with separators.
const key_units_max = 128;

function appendField(units: Uint16Array, at: number, text: string): number {
  units[at] = separator;
  for (let i = 0; i < text.length; i++) units[at + 1 + i] = text.charCodeAt(i);
  return at + 1 + text.length;
}

/** Writes an account's natural key into `units` and returns its length; statements find their account by it. */
function writeAccountKey(units: Uint16Array, account_ref: string): number {
  units[0] = typeTags.account;
  return appendField(units, 1, account_ref);
}

/** Writes the record's natural key into `units` as UTF-16 code units and returns the key's length. */
function writeNaturalKey(record: ValidRecord, units: Uint16Array): number {
  units[0] = typeTags[record.type];
  switch (record.type) {
    case "subject":
      return appendField(units, appendField(units, 1, record.id_type), record.id_number);
    case "account":
      return writeAccountKey(units, record.account_ref);
    case "statement":
      return appendField(units, appendField(units, 1, record.account_ref), record.period);
    case "activity": {
      const subject = appendField(units, appendField(units, 1, record.id_type), record.id_number);
      return appendField(units, appendField(units, subject, record.category), record.period);
    }
  }
}

const keyFields: Record<ValidRecord["type"], string> = {
  subject: "(id_type, id_number)",
  account: "(account_ref)",
  statement: "(account_ref, period)",
  activity: "(id_type, id_number, category, period)",
};

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  let k = h ^ (h >>> 16);
  k = Math.imul(k, 0x85ebca6b);
  k ^= k >>> 13;
  k = Math.imul(k, 0xc2b2ae35);
  return k ^ (k >>> 16);
}

/**
 * The MurmurHash3 x86 128-bit rounds and finaliser over the first `length` UTF-16 code units held in
 * `words` (two per word), the last block zero-padded in place. It is not a cryptographic hash; it is several
 * times cheaper than SHA-256 here, and a random seed per tracker makes it hard for a file to aim its keys
 * at one slot of the index.
 */
export function hashKey(words: Uint32Array, length: number, seed: number, out: Uint32Array): void {
  const words_used = Math.ceil(length / 8) * 4;
  assert.ok(words_used <= words.length, "no room to pad the key");
  if (length % 2 === 1) words[(length - 1) / 2] = (words[(length - 1) / 2] as number) & 0xffff;
  words.fill(0, Math.ceil(length / 2), words_used);
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  for (let i = 0; i < words_used; i += 4) {
    const k1 = Math.imul(rotl(Math.imul(words[i] as number, c1), 15), c2);
    const k2 = Math.imul(rotl(Math.imul(words[i + 1] as number, c2), 16), c3);
    const k3 = Math.imul(rotl(Math.imul(words[i + 2] as number, c3), 17), c4);
    const k4 = Math.imul(rotl(Math.imul(words[i + 3] as number, c4), 18), c1);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}

/** Months since year 0 of a validated YYYY-MM period. */
function monthOf(period: string): number {
  const digit = (at: number) => period.charCodeAt(at) - 48;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  return year * 12 + digit(5) * 10 + digit(6) - 1;
}

/**
 * Entries of `words` 32-bit words in fixed blocks (growth never copies them), found by the 128-bit hash in
 * their first four words through an open-addressing index. Words after the hash start at 0.
 */
class HashedEntries {
  readonly #words: number;
  readonly #blocks: Uint32Array[] = [];
  // Linear probing; a slot is 0 (empty) or the hash's top byte << 24 | entry number + 1.
  #index = new Uint32Array(index_slots_initial);
  #count = 0;

  constructor(words: number) {
    this.#words = words;
  }

  get count(): number {
    return this.#count;
  }

  /** The entry with this hash, or -1 - the free slot where it would go. */
  find(hash: Uint32Array): number {
    const tag = (hash[1] as number) >>> 24;
    const index = this.#index;
    const mask = index.length - 1;
    for (let slot = (hash[0] as number) & mask; ; slot = (slot + 1) & mask) {
      const value = index[slot] as number;
      if (value === 0) return -1 - slot;
      if (value >>> 24 !== tag) continue;
      const entry = (value & 0xff_ffff) - 1;
      const block = this.#blocks[Math.floor(entry / entries_per_block)] as Uint32Array;
      const at = (entry % entries_per_block) * this.#words;
      if (
        block[at] === hash[0] &&
        block[at + 1] === hash[1] &&
        block[at + 2] === hash[2] &&
        block[at + 3] === hash[3]
      ) {
        return entry;
      }
    }
  }

  /** Adds an entry with this hash at the free slot `find` gave; returns its number. */
  insert(hash: Uint32Array, free: number): number {
    const entry = this.#count;
    const offset = entry % entries_per_block;
    if (offset === 0) this.#blocks.push(new Uint32Array(entries_per_block * this.#words));
    (this.#blocks[this.#blocks.length - 1] as Uint32Array).set(hash, offset * this.#words);
    this.#index[-1 - free] = ((((hash[1] as number) >>> 24) << 24) | (entry + 1)) >>> 0;
    this.#count += 1;
    if (this.#count > this.#index.length * index_load_max) this.#grow();
    return entry;
  }

  get(entry: number, word: number): number {
    const block = this.#blocks[Math.floor(entry / entries_per_block)] as Uint32Array;
    return block[(entry % entries_per_block) * this.#words + word] as number;
  }

  set(entry: number, word: number, value: number): void {
    const block = this.#blocks[Math.floor(entry / entries_per_block)] as Uint32Array;
    block[(entry % entries_per_block) * this.#words + word] = value;
  }

  #grow(): void {
    const index = new Uint32Array(this.#index.length * 2);
    const mask = index.length - 1;
    for (let entry = 0; entry < this.#count; entry++) {
      const block = this.#blocks[Math.floor(entry / entries_per_block)] as Uint32Array;
      const at = (entry % entries_per_block) * this.#words;
      let slot = (block[at] as number) & mask;
      while (index[slot] !== 0) slot = (slot + 1) & mask;
      index[slot] = ((((block[at + 1] as number) >>> 24) << 24) | (entry + 1)) >>> 0;
    }
    this.#index = index;
  }
}

// Words of a key entry after its hash: the line. Of an account entry: the line of its account record (0
// when none came yet), the first month of its statement window (0 until its first statement) and 64 bits.
const key_line = 4;
const account_line = 4;
const account_window = 5;
const account_bits = 6;
// Lines are kept in 32 bits; a later one (only a flood of blank lines gets there) is kept as this, which
// the duplicate message reports as "an earlier line".
const line_unknown = 0xffff_ffff;

function storedLine(line: number): number {
  return Math.min(line, line_unknown);
}

export class DuplicateKeyTracker {
  readonly #keys_max: number;
  readonly #seed: number;
  readonly #hash = new Uint32Array(4);
  readonly #key_words = new Uint32Array(key_units_max / 2);
  readonly #key = new Uint16Array(this.#key_words.buffer);
  readonly #keys = new HashedEntries(5);
  readonly #accounts = new HashedEntries(8);
  #size = 0;
  #account_in_file = false;
  // A file lists an account's statements together, so the last account found is kept to skip its hashing.
  #last_ref: string | undefined;
  #last_account = -1;

  constructor(options: DuplicateKeyTrackerOptions = {}) {
    const keys_max = options.keys_max ?? keys_max_default;
    assert.ok(
      Number.isSafeInteger(keys_max) && keys_max > 0 && keys_max <= keys_max_limit,
      "keys_max out of range",
    );
    this.#keys_max = keys_max;
    this.#seed = getRandomValues(new Uint32Array(1))[0] as number;
  }

  /** The number of distinct keys seen. */
  get size(): number {
    return this.#size;
  }

  /** Whether the statement last checked names an account whose account record came earlier in the file. */
  get account_in_file(): boolean {
    return this.#account_in_file;
  }

  /** Remembers the record's key; returns an error when an earlier line had it or the file is full. */
  check(record: ValidRecord, line: number): LineError | undefined {
    this.#account_in_file = false;
    if (record.type === "account") return this.#checkAccount(record, line);
    if (record.type === "statement") return this.#checkStatement(record, line);
    return this.#checkKey(record, line);
  }

  #checkAccount(record: ValidRecord & { type: "account" }, line: number): LineError | undefined {
    let account = this.#findAccount(record.account_ref);
    if (account >= 0) {
      const earlier = this.#accounts.get(account, account_line);
      if (earlier !== 0) return this.#duplicate(record, earlier, line);
    } else {
      if (this.#full_now()) return this.#full(line);
      account = this.#insertAccount(record.account_ref, account);
    }
    this.#accounts.set(account, account_line, storedLine(line));
    this.#size += 1;
    return undefined;
  }

  #checkStatement(record: ValidRecord & { type: "statement" }, line: number): LineError | undefined {
    const month = monthOf(record.period);
    let account = this.#findAccount(record.account_ref);
    if (account < 0) {
      if (this.#full_now()) return this.#full(line);
      account = this.#insertAccount(record.account_ref, account);
    }
    const accounts = this.#accounts;
    this.#account_in_file = accounts.get(account, account_line) !== 0;
    let window = accounts.get(account, account_window);
    if (window === 0) {
      window = month - window_before;
      accounts.set(account, account_window, window);
    }
    const offset = month - window;
    if (offset < 0 || offset >= 64) return this.#checkKey(record, line);
    const word = account_bits + (offset >>> 5);
    const bit = 1 << (offset & 31);
    const bits = accounts.get(account, word);
    if ((bits & bit) !== 0) return this.#duplicate(record, line_unknown, line);
    accounts.set(account, word, (bits | bit) >>> 0);
    this.#size += 1;
    return undefined;
  }

  /**
   * The entry of `account_ref`, or -1 - the free slot where it would go (its hash then left in #hash for
   * #insertAccount).
   */
  #findAccount(account_ref: string): number {
    if (account_ref === this.#last_ref) return this.#last_account;
    const length = writeAccountKey(this.#key, account_ref);
    hashKey(this.#key_words, length, this.#seed, this.#hash);
    const found = this.#accounts.find(this.#hash);
    if (found >= 0) this.#remember(account_ref, found);
    return found;
  }

  #insertAccount(account_ref: string, free: number): number {
    const account = this.#accounts.insert(this.#hash, free);
    this.#remember(account_ref, account);
    return account;
  }

  #remember(account_ref: string, account: number): void {
    this.#last_ref = account_ref;
    this.#last_account = account;
  }

  #checkKey(record: ValidRecord, line: number): LineError | undefined {
    const length = writeNaturalKey(record, this.#key);
    assert.ok(length + 8 <= key_units_max, "natural key longer than the validated fields allow");
    hashKey(this.#key_words, length, this.#seed, this.#hash);
    const found = this.#keys.find(this.#hash);
    if (found >= 0) return this.#duplicate(record, this.#keys.get(found, key_line), line);
    if (this.#full_now()) return this.#full(line);
    const entry = this.#keys.insert(this.#hash, found);
    this.#keys.set(entry, key_line, storedLine(line));
    this.#size += 1;
    return undefined;
  }

  #duplicate(record: ValidRecord, earlier: number, line: number): LineError {
    const where = earlier === line_unknown ? "An earlier line" : `Line ${earlier}`;
    return {
      line,
      field: "",
      code: "DUPLICATE_KEY",
      message: `${where} of this file has the same ${record.type} key ${keyFields[record.type]}.`,
    };
  }

  /** Whether another entry would pass keys_max. */
  #full_now(): boolean {
    return this.#keys.count + this.#accounts.count >= this.#keys_max;
  }

  #full(line: number): LineError {
    return {
      line,
      field: "",
      code: "FILE_KEYS_LIMIT",
      message: `The file names more than ${this.#keys_max} accounts, subjects and other keys; split it into several files.`,
    };
  }
}
