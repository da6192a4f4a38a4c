// RFC 9162 section 2.1 Merkle tree hashing, and verification of inclusion and consistency proofs.
//
// Tree sizes and indexes are JavaScript numbers, exact up to 2^53 - 1. The bit operators of
// JavaScript work on 32 bits only, so halving and parity are done with arithmetic instead.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesEqual } from "./bytes.ts";
import { fail } from "./errors.ts";

export const hash_bytes = 32;

const leaf_prefix = new Uint8Array([0x00]);
const node_prefix = new Uint8Array([0x01]);

/** SHA-256(0x00 ‖ entry): the hash of one log entry as a leaf. */
export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256.create().update(leaf_prefix).update(entry).digest();
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(node_prefix).update(left).update(right).digest();
}

/** The root of the empty tree, SHA-256 of the empty string. */
export function emptyRootHash(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** Reference MTH over leaf hashes, by the recursive split of RFC 9162 section 2.1.1. */
export function rootFromLeafHashes(leaf_hashes: readonly Uint8Array[]): Uint8Array {
  if (leaf_hashes.length === 0) return emptyRootHash();
  const subtree = (start: number, end: number): Uint8Array => {
    if (end - start === 1) return leaf_hashes[start] as Uint8Array;
    const k = largestPowerOfTwoBelow(end - start);
    return nodeHash(subtree(start, start + k), subtree(start + k, end));
  };
  return subtree(0, leaf_hashes.length);
}

/** The largest power of two strictly smaller than n, for n >= 2: the split point of MTH. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let m = n;
  while (m % 2 === 0) m /= 2;
  return m === 1;
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/**
 * The number of hashes in the inclusion proof of leaf `index` in a tree of `size` leaves,
 * found by running the index arithmetic of RFC 9162 section 2.1.3.2 without hashes.
 */
export function inclusionProofLength(index: number, size: number): number {
  checkLeafIndex(index, size);
  let fn = index;
  let sn = size - 1;
  let length = 0;
  while (sn !== 0) {
    if (isOdd(fn) || fn === sn) {
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
    length += 1;
  }
  return length;
}

/**
 * The number of hashes in the consistency proof from `size1` to `size2` leaves, found by running
 * the index arithmetic of RFC 9162 section 2.1.4.2 without hashes. Trivial cases need none.
 */
export function consistencyProofLength(size1: number, size2: number): number {
  checkSizes(size1, size2);
  if (size1 === 0 || size1 === size2) return 0;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let steps = 0;
  while (sn !== 0) {
    if (isOdd(fn) || fn === sn) {
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
    steps += 1;
  }
  // The path holds one seed hash plus one per step; the seed is the old root itself, left out of
  // the proof, when the old size is a power of two.
  return steps + 1 - (isPowerOfTwo(size1) ? 1 : 0);
}

/**
 * Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves whose root is `root`
 * (RFC 9162 section 2.1.3.2). Returns nothing on success; throws a DomainError otherwise.
 */
export function verifyInclusion(
  leaf_hash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHashes([leaf_hash, root, ...proof]);
  const expected_length = inclusionProofLength(index, size);
  if (proof.length !== expected_length) {
    fail("LOG_PROOF_LENGTH", "the inclusion proof has the wrong number of hashes", {
      index,
      size,
      expected_length,
      actual_length: proof.length,
    });
  }
  // The loop below is the RFC's algorithm step by step; its own length checks are redundant with
  // the one above and kept so that the code can be read against the RFC.
  let fn = index;
  let sn = size - 1;
  let r = leaf_hash;
  for (const p of proof) {
    if (sn === 0) fail("LOG_PROOF_LENGTH", "the inclusion proof is too long", { index, size });
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) fail("LOG_PROOF_LENGTH", "the inclusion proof is too short", { index, size });
  if (!bytesEqual(r, root)) {
    fail("LOG_INCLUSION_MISMATCH", "the inclusion proof does not lead to the root", { index, size });
  }
}

/**
 * Verifies that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves
 * with root `root1` (RFC 9162 section 2.1.4.2). Beyond the RFC, which requires
 * 0 < size1 < size2, two trivial cases are accepted with an empty proof: a tree is consistent with
 * itself, and the empty tree is consistent with every tree. Throws a DomainError on failure.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkHashes([root1, root2, ...proof]);
  const expected_length = consistencyProofLength(size1, size2);
  if (proof.length !== expected_length) {
    fail("LOG_PROOF_LENGTH", "the consistency proof has the wrong number of hashes", {
      size1,
      size2,
      expected_length,
      actual_length: proof.length,
    });
  }
  if (size1 === size2) {
    if (!bytesEqual(root1, root2)) {
      fail("LOG_SPLIT_VIEW", "two trees of the same size have different roots", { size: size1 });
    }
    return;
  }
  if (size1 === 0) {
    if (!bytesEqual(root1, emptyRootHash())) {
      fail("LOG_CONSISTENCY_MISMATCH", "the root of the empty tree is wrong", { size1, size2 });
    }
    return;
  }
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) fail("LOG_PROOF_LENGTH", "the consistency proof is too long", { size1, size2 });
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) fail("LOG_PROOF_LENGTH", "the consistency proof is too short", { size1, size2 });
  if (!bytesEqual(fr, root1) || !bytesEqual(sr, root2)) {
    fail("LOG_CONSISTENCY_MISMATCH", "the consistency proof does not connect the two roots", {
      size1,
      size2,
    });
  }
}

/** Rejects a leaf index that is not in a tree of `size` leaves. */
export function checkLeafIndex(index: number, size: number): void {
  checkSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    fail("LOG_INDEX_OUT_OF_RANGE", "the leaf index is not in the tree", { index, size });
  }
}

/** Rejects a pair of tree sizes unless 0 <= size1 <= size2. */
export function checkSizes(size1: number, size2: number): void {
  checkSize(size1);
  checkSize(size2);
  if (size1 > size2) {
    fail("LOG_TREE_SHRANK", "the second tree is smaller than the first", { size1, size2 });
  }
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    fail("LOG_SIZE_OUT_OF_RANGE", "a tree size must be a non-negative integer", { size });
  }
}

function checkHashes(hashes: readonly Uint8Array[]): void {
  for (const h of hashes) {
    if (!(h instanceof Uint8Array) || h.length !== hash_bytes) {
      fail("LOG_MALFORMED_HASH", "a hash is not 32 bytes");
    }
  }
}
