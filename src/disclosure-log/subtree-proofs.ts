// Roots, inclusion proofs and consistency proofs computed from stored subtree hashes.
//
// The store keeps the hash of every complete aligned subtree: node (level L, index i) covers the
// leaves [i * 2^L, (i + 1) * 2^L) and exists once all of them are in the log. It never changes
// after it is written, so the store is append-only. Every node that RFC 9162's recursion visits
// covers a range [s, e) where s is a multiple of the smallest power of two >= e - s. Such a range
// is either one stored node or, on the right edge of the tree, a handful of stored nodes of
// decreasing size whose hashes fold into the range's hash. A proof therefore needs O(log n)
// stored hashes, fetched in one batch, and O(log n) hashing.

import { fail } from "./errors.ts";
import { invariant } from "./invariant.ts";
import { checkLeafIndex, emptyRootHash, hash_bytes, largestPowerOfTwoBelow, nodeHash } from "./merkle.ts";

/** Names the complete aligned subtree covering leaves [index * 2^level, (index + 1) * 2^level). */
export interface SubtreeKey {
  readonly level: number;
  readonly index: number;
}

/** What proof generation needs from a store: the hashes of complete aligned subtrees. */
export interface SubtreeHashReader {
  /** The hash of one subtree; throws if the store does not hold it. */
  get(level: number, index: number): Promise<Uint8Array>;
  /** The hashes of several subtrees, in the order of `keys`; throws if any is missing. */
  getMany(keys: readonly SubtreeKey[]): Promise<Uint8Array[]>;
}

/** A leaf range [start, end) whose hash is one element of a proof. */
interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * The complete aligned subtrees that make up [start, end), largest first. The range must have the
 * alignment described at the top of this file, which every range in an RFC 9162 proof has.
 */
export function rangeKeys(start: number, end: number): SubtreeKey[] {
  invariant(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start < end, "range");
  const keys: SubtreeKey[] = [];
  let position = start;
  while (position < end) {
    let level = 0;
    let width = 1;
    while (width * 2 <= end - position) {
      width *= 2;
      level += 1;
    }
    invariant(position % width === 0, "a proof range is aligned to its largest subtree");
    keys.push({ level, index: position / width });
    position += width;
  }
  return keys;
}

/** The complete aligned subtrees that make up a tree of `size` leaves: its right-edge frontier. */
export function frontierKeys(size: number): SubtreeKey[] {
  return size === 0 ? [] : rangeKeys(0, size);
}

/** The root hash of the tree of `size` leaves. The store must hold at least `size` leaves. */
export async function rootAt(reader: SubtreeHashReader, size: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(size) || size < 0) {
    fail("LOG_SIZE_OUT_OF_RANGE", "a tree size must be a non-negative integer", { size });
  }
  if (size === 0) return emptyRootHash();
  const [root] = await hashRanges(reader, [{ start: 0, end: size }]);
  return root as Uint8Array;
}

/**
 * The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 section 2.1.3.1).
 * The store must hold at least `size` leaves; the caller checks `size` against the log's size.
 */
export async function inclusionProof(
  reader: SubtreeHashReader,
  index: number,
  size: number,
): Promise<Uint8Array[]> {
  checkLeafIndex(index, size);
  const ranges: Range[] = [];
  collectInclusionRanges(index, 0, size, ranges);
  return hashRanges(reader, ranges);
}

/**
 * The consistency proof from the tree of `from` leaves to the tree of `to` leaves (RFC 9162
 * section 2.1.4.1); empty when `from` is 0 or equals `to`. The store must hold at least `to`
 * leaves; the caller checks `to` against the log's size.
 */
export async function consistencyProof(
  reader: SubtreeHashReader,
  from: number,
  to: number,
): Promise<Uint8Array[]> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    fail("LOG_SIZE_OUT_OF_RANGE", "a consistency proof needs 0 <= from <= to", { from, to });
  }
  if (from === 0 || from === to) return [];
  const ranges: Range[] = [];
  collectConsistencyRanges(from, 0, to, true, ranges);
  return hashRanges(reader, ranges);
}

/** PATH(m, D[start:end]) of RFC 9162 section 2.1.3.1, as the ranges whose hashes form it. */
function collectInclusionRanges(index: number, start: number, end: number, out: Range[]): void {
  if (end - start === 1) return;
  const k = largestPowerOfTwoBelow(end - start);
  if (index < start + k) {
    collectInclusionRanges(index, start, start + k, out);
    out.push({ start: start + k, end });
  } else {
    collectInclusionRanges(index, start + k, end, out);
    out.push({ start, end: start + k });
  }
}

/** SUBPROOF(m, D[start:end], b) of RFC 9162 section 2.1.4.1, as the ranges whose hashes form it. */
function collectConsistencyRanges(m: number, start: number, end: number, b: boolean, out: Range[]): void {
  if (m === end - start) {
    if (!b) out.push({ start, end });
    return;
  }
  const k = largestPowerOfTwoBelow(end - start);
  if (m <= k) {
    collectConsistencyRanges(m, start, start + k, b, out);
    out.push({ start: start + k, end });
  } else {
    collectConsistencyRanges(m - k, start + k, end, false, out);
    out.push({ start, end: start + k });
  }
}

/** Fetches every stored subtree the ranges need in one batch and folds each range's pieces. */
async function hashRanges(reader: SubtreeHashReader, ranges: readonly Range[]): Promise<Uint8Array[]> {
  const pieces = ranges.map((r) => rangeKeys(r.start, r.end));
  const keys = pieces.flat();
  const hashes = await reader.getMany(keys);
  invariant(hashes.length === keys.length, "the store returns one hash per key");
  let next = 0;
  return pieces.map((range_keys) => {
    const range_hashes = hashes.slice(next, next + range_keys.length);
    next += range_keys.length;
    return foldRight(range_hashes);
  });
}

/** The MTH of consecutive aligned subtrees of decreasing size: each one is the left child of the rest. */
export function foldRight(hashes: readonly Uint8Array[]): Uint8Array {
  invariant(hashes.length > 0, "a range has at least one subtree");
  for (const h of hashes) invariant(h.length === hash_bytes, "stored hashes are 32 bytes");
  let acc = hashes[hashes.length - 1] as Uint8Array;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i] as Uint8Array, acc);
  return acc;
}
