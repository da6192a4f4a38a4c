// Flags records whose natural key already appeared earlier in the same file, in bounded memory: each key
// is kept as a 16-byte hash and the line it came from (20 bytes) plus an index slot, up to `keys_max` keys.
import assert from "node:assert/strict";
import { getRandomValues } from "node:crypto";
import type { LineError } from "./errors.ts";
import type { ValidRecord } from "./record-schema.ts";

export const keys_max_default = 10_000_000;
// Index slots hold the entry number in 24 bits and 8 bits of hash, so entries are counted below 2^24.
const keys_max_limit = 0xff_ffff - 1;
const entries_per_block = 65_536;
const words_per_entry = 5;
const index_slots_initial = 1024;
const index_load_max = 0.75;

export interface DuplicateKeyTrackerOptions {
  /** Records beyond this many distinct keys are rejected with FILE_KEYS_LIMIT. */
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

/** Writes the record's natural key into `units` as UTF-16 code units and returns the key's length. */
function writeNaturalKey(record: ValidRecord, units: Uint16Array): number {
  units[0] = typeTags[record.type];
  switch (record.type) {
    case "subject":
      return appendField(units, appendField(units, 1, record.id_type), record.id_number);
    case "account":
      return appendField(units, 1, record.account_ref);
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

export class DuplicateKeyTracker {
  readonly #keys_max: number;
  readonly #seed: number;
  readonly #hash = new Uint32Array(4);
  readonly #key_words = new Uint32Array(key_units_max / 2);
  readonly #key = new Uint16Array(this.#key_words.buffer);
  // Entries (four hash words and the line) live in fixed blocks so growth never copies them.
  readonly #blocks: Uint32Array[] = [];
  // Open addressing with linear probing; a slot is 0 (empty) or tag << 24 | entry number + 1.
  #index = new Uint32Array(index_slots_initial);
  #size = 0;

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

  /** Remembers the record's key; returns an error when an earlier line had it or the file is full. */
  check(record: ValidRecord, line: number): LineError | undefined {
    const hash = this.#hash;
    const length = writeNaturalKey(record, this.#key);
    assert.ok(length + 8 <= key_units_max, "natural key longer than the validated fields allow");
    hashKey(this.#key_words, length, this.#seed, hash);
    const tag = (hash[1] as number) >>> 24;
    const index = this.#index;
    const mask = index.length - 1;
    for (let slot = (hash[0] as number) & mask; ; slot = (slot + 1) & mask) {
      const value = index[slot] as number;
      if (value === 0) return this.#insert(slot, tag, line);
      if (value >>> 24 !== tag) continue;
      const earlier = this.#earlierLine((value & 0xff_ffff) - 1);
      if (earlier !== undefined) {
        const where = earlier === 0 ? "An earlier line" : `Line ${earlier}`;
        return {
          line,
          field: "",
          code: "DUPLICATE_KEY",
          message: `${where} of this file has the same ${record.type} key ${keyFields[record.type]}.`,
        };
      }
    }
  }

  #earlierLine(entry: number): number | undefined {
    const block = this.#blocks[Math.floor(entry / entries_per_block)] as Uint32Array;
    const at = (entry % entries_per_block) * words_per_entry;
    const hash = this.#hash;
    if (
      block[at] !== hash[0] ||
      block[at + 1] !== hash[1] ||
      block[at + 2] !== hash[2] ||
      block[at + 3] !== hash[3]
    ) {
      return undefined;
    }
    return block[at + 4];
  }

  #insert(slot: number, tag: number, line: number): LineError | undefined {
    if (this.#size >= this.#keys_max) {
      return {
        line,
        field: "",
        code: "FILE_KEYS_LIMIT",
        message: `The file has more than ${this.#keys_max} distinct record keys; split it into several files.`,
      };
    }
    const entry = this.#size;
    const offset = entry % entries_per_block;
    if (offset === 0) this.#blocks.push(new Uint32Array(entries_per_block * words_per_entry));
    const block = this.#blocks[this.#blocks.length - 1] as Uint32Array;
    block.set(this.#hash, offset * words_per_entry);
    // Line numbers are stored in 32 bits; a later one (only a flood of blank lines gets there) is kept
    // as 0, which the duplicate message reports as "an earlier line".
    block[offset * words_per_entry + 4] = line <= 0xffff_ffff ? line : 0;
    this.#index[slot] = ((tag << 24) | (entry + 1)) >>> 0;
    this.#size += 1;
    if (this.#size > this.#index.length * index_load_max) this.#grow();
    return undefined;
  }

  #grow(): void {
    const index = new Uint32Array(this.#index.length * 2);
    const mask = index.length - 1;
    for (let entry = 0; entry < this.#size; entry++) {
      const block = this.#blocks[Math.floor(entry / entries_per_block)] as Uint32Array;
      const at = (entry % entries_per_block) * words_per_entry;
      let slot = (block[at] as number) & mask;
      while (index[slot] !== 0) slot = (slot + 1) & mask;
      index[slot] = ((((block[at + 1] as number) >>> 24) << 24) | (entry + 1)) >>> 0;
    }
    this.#index = index;
  }
}
