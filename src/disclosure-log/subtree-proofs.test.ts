// Tests that proofs built from stored subtree hashes equal RFC 9162's definitions and verify.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hexEncode, utf8Encode } from "./bytes.ts";
import { MemorySubtreeStore } from "./memory-subtree-store.ts";
import { emptyRootHash, leafHash, nodeHash, verifyConsistency, verifyInclusion } from "./merkle.ts";
import type { SubtreeHashReader, SubtreeKey } from "./subtree-proofs.ts";
import { consistencyProof, frontierKeys, inclusionProof, rangeKeys, rootAt } from "./subtree-proofs.ts";
import { assertCode, assertRejectsCode } from "./test-support.ts";

/** RFC 9162 section 2.1 written out literally over an array of leaf hashes, with memoised MTH. */
class NaiveTree {
  readonly leaves: readonly Uint8Array[];
  readonly #memo = new Map<string, Uint8Array>();

  constructor(leaves: readonly Uint8Array[]) {
    this.leaves = leaves;
  }

  mth(start: number, end: number): Uint8Array {
    if (end === start) return emptyRootHash();
    if (end - start === 1) return this.leaves[start] as Uint8Array;
    const key = `${start}:${end}`;
    let h = this.#memo.get(key);
    if (h === undefined) {
      const k = splitOf(end - start);
      h = nodeHash(this.mth(start, start + k), this.mth(start + k, end));
      this.#memo.set(key, h);
    }
    return h;
  }

  path(m: number, start: number, end: number): Uint8Array[] {
    if (end - start === 1) return [];
    const k = splitOf(end - start);
    return m < start + k
      ? [...this.path(m, start, start + k), this.mth(start + k, end)]
      : [...this.path(m, start + k, end), this.mth(start, start + k)];
  }

  subproof(m: number, start: number, end: number, b: boolean): Uint8Array[] {
    if (m === end - start) return b ? [] : [this.mth(start, end)];
    const k = splitOf(end - start);
    return m <= k
      ? [...this.subproof(m, start, start + k, b), this.mth(start + k, end)]
      : [...this.subproof(m - k, start + k, end, false), this.mth(start, start + k)];
  }
}

function splitOf(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function syntheticLeaves(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => leafHash(utf8Encode(`synthetic entry ${i}`)));
}

/** A small deterministic generator, so that a failing random case can be replayed. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below;
  };
}

const hexes = (hashes: readonly Uint8Array[]): string[] => hashes.map(hexEncode);

const exhaustive_size_max = 70;
// Mangling every hash of every proof is quadratic in the hashing; a smaller bound keeps it quick
// while still covering every shape of tree up to six levels deep.
const mangled_size_max = 48;
const leaves = syntheticLeaves(exhaustive_size_max);
const naive = new NaiveTree(leaves);
const store = new MemorySubtreeStore();
store.append(leaves);

describe("proofs from stored subtrees, every size up to 70 leaves", () => {
  test("the root of every prefix of the log equals MTH", async () => {
    for (let size = 0; size <= exhaustive_size_max; size++) {
      assert.equal(hexEncode(await rootAt(store, size)), hexEncode(naive.mth(0, size)), `size ${size}`);
    }
  });

  test("every inclusion proof equals PATH and verifies", async () => {
    for (let size = 1; size <= exhaustive_size_max; size++) {
      const root = naive.mth(0, size);
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(store, index, size);
        assert.deepEqual(hexes(proof), hexes(naive.path(index, 0, size)), `index ${index} size ${size}`);
        verifyInclusion(leaves[index] as Uint8Array, index, size, proof, root);
      }
    }
  });

  test("every consistency proof equals PROOF and verifies", async () => {
    for (let to = 0; to <= exhaustive_size_max; to++) {
      for (let from = 0; from <= to; from++) {
        const proof = await consistencyProof(store, from, to);
        const expected = from === 0 || from === to ? [] : naive.subproof(from, 0, to, true);
        assert.deepEqual(hexes(proof), hexes(expected), `from ${from} to ${to}`);
        verifyConsistency(from, to, proof, naive.mth(0, from), naive.mth(0, to));
      }
    }
  });

  test("every inclusion proof fails when truncated, padded, altered or used for another leaf", async () => {
    for (let size = 2; size <= mangled_size_max; size++) {
      const root = naive.mth(0, size);
      for (let index = 0; index < size; index++) {
        const leaf = leaves[index] as Uint8Array;
        const proof = await inclusionProof(store, index, size);
        assertCode(() => verifyInclusion(leaf, index, size, proof.slice(0, -1), root), "LOG_PROOF_LENGTH");
        assertCode(() => verifyInclusion(leaf, index, size, [...proof, root], root), "LOG_PROOF_LENGTH");
        assertCode(() => verifyInclusion(leaf, index, size, [root, ...proof], root), "LOG_PROOF_LENGTH");
        for (let i = 0; i < proof.length; i++) {
          const altered = proof.map((h, j) => (j === i ? flipBit(h) : h));
          assertCode(() => verifyInclusion(leaf, index, size, altered, root), "LOG_INCLUSION_MISMATCH");
        }
        const other = (index + 1) % size;
        assert.throws(() => verifyInclusion(leaf, other, size, proof, root));
        assert.throws(() => verifyInclusion(leaves[other] as Uint8Array, index, size, proof, root));
        assert.throws(() => verifyInclusion(leaf, index, size, proof, naive.mth(0, size - 1)));
      }
    }
  });

  test("every consistency proof fails when truncated, padded, altered or given other roots", async () => {
    for (let to = 2; to <= mangled_size_max; to++) {
      const root2 = naive.mth(0, to);
      for (let from = 1; from < to; from++) {
        const root1 = naive.mth(0, from);
        const proof = await consistencyProof(store, from, to);
        assertCode(() => verifyConsistency(from, to, proof.slice(0, -1), root1, root2), "LOG_PROOF_LENGTH");
        assertCode(() => verifyConsistency(from, to, [...proof, root2], root1, root2), "LOG_PROOF_LENGTH");
        for (let i = 0; i < proof.length; i++) {
          const altered = proof.map((h, j) => (j === i ? flipBit(h) : h));
          assertCode(() => verifyConsistency(from, to, altered, root1, root2), "LOG_CONSISTENCY_MISMATCH");
        }
        assertCode(
          () => verifyConsistency(from, to, proof, flipBit(root1), root2),
          "LOG_CONSISTENCY_MISMATCH",
        );
        assertCode(
          () => verifyConsistency(from, to, proof, root1, flipBit(root2)),
          "LOG_CONSISTENCY_MISMATCH",
        );
      }
    }
  });
});

describe("proofs from stored subtrees, random larger sizes", () => {
  test("random proofs in a log of 3,000 leaves equal the RFC definitions and verify", async () => {
    const size_max = 3_000;
    const big_leaves = syntheticLeaves(size_max);
    const big_naive = new NaiveTree(big_leaves);
    const big_store = new MemorySubtreeStore();
    const random = seededRandom(20_240_501);
    while (big_store.size < size_max) {
      const batch = Math.min(1 + Math.floor(random(200)), size_max - big_store.size);
      big_store.append(big_leaves.slice(big_store.size, big_store.size + batch));
    }
    for (let trial = 0; trial < 300; trial++) {
      const size = 1 + Math.floor(random(size_max));
      const index = Math.floor(random(size));
      const from = Math.floor(random(size + 1));
      const inclusion = await inclusionProof(big_store, index, size);
      assert.deepEqual(hexes(inclusion), hexes(big_naive.path(index, 0, size)));
      verifyInclusion(big_leaves[index] as Uint8Array, index, size, inclusion, big_naive.mth(0, size));
      const consistency = await consistencyProof(big_store, from, size);
      const expected = from === 0 || from === size ? [] : big_naive.subproof(from, 0, size, true);
      assert.deepEqual(hexes(consistency), hexes(expected));
      verifyConsistency(from, size, consistency, big_naive.mth(0, from), big_naive.mth(0, size));
    }
  });

  test("proofs in trees of up to 2^53 - 1 leaves verify", async () => {
    // Every leaf of this tree is the same, so the hash of a complete subtree depends only on its
    // level and the reader can answer for a tree far too large to build.
    const level_hashes = [leafHash(utf8Encode("the same entry everywhere"))];
    for (let level = 1; level <= 53; level++) {
      const below = level_hashes[level - 1] as Uint8Array;
      level_hashes.push(nodeHash(below, below));
    }
    const uniform: SubtreeHashReader = {
      get: async (level) => level_hashes[level] as Uint8Array,
      getMany: async (keys: readonly SubtreeKey[]) => keys.map((k) => level_hashes[k.level] as Uint8Array),
    };
    const sizes = [2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12_345, Number.MAX_SAFE_INTEGER];
    for (const size of sizes) {
      const root = await rootAt(uniform, size);
      for (const index of [0, 2 ** 31, 2 ** 32 - 2, size - 1]) {
        const proof = await inclusionProof(uniform, index, size);
        verifyInclusion(level_hashes[0] as Uint8Array, index, size, proof, root);
      }
      for (const from of [1, 2 ** 31 + 7, 2 ** 32 - 1, size - 1]) {
        const proof = await consistencyProof(uniform, from, size);
        verifyConsistency(from, size, proof, await rootAt(uniform, from), root);
      }
    }
  });
});

describe("proof requests outside the log", () => {
  test("are refused with a stable code", async () => {
    await assertRejectsCode(inclusionProof(store, 5, 5), "LOG_INDEX_OUT_OF_RANGE");
    await assertRejectsCode(inclusionProof(store, -1, 5), "LOG_INDEX_OUT_OF_RANGE");
    await assertRejectsCode(inclusionProof(store, 0, 0), "LOG_INDEX_OUT_OF_RANGE");
    await assertRejectsCode(inclusionProof(store, 1.5, 5), "LOG_INDEX_OUT_OF_RANGE");
    await assertRejectsCode(consistencyProof(store, 6, 5), "LOG_SIZE_OUT_OF_RANGE");
    await assertRejectsCode(consistencyProof(store, -1, 5), "LOG_SIZE_OUT_OF_RANGE");
    await assertRejectsCode(rootAt(store, -1), "LOG_SIZE_OUT_OF_RANGE");
  });
});

describe("rangeKeys", () => {
  test("splits a tree into its complete aligned subtrees, largest first", () => {
    assert.deepEqual(frontierKeys(0), []);
    assert.deepEqual(frontierKeys(13), [
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    assert.deepEqual(rangeKeys(8, 11), [
      { level: 1, index: 4 },
      { level: 0, index: 10 },
    ]);
  });

  test("asserts that a range is aligned, because an unaligned one is a bug", () => {
    assert.throws(() => rangeKeys(1, 3), /invariant violated/);
  });
});

function flipBit(hash: Uint8Array): Uint8Array {
  const copy = hash.slice();
  copy[7] = (copy[7] as number) ^ 0x10;
  return copy;
}
