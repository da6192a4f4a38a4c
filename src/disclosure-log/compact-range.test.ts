// Tests that the appender yields exactly the complete subtrees of the tree and the right root.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hexEncode, utf8Encode } from "./bytes.ts";
import type { SubtreeNode } from "./compact-range.ts";
import { CompactRange } from "./compact-range.ts";
import { MemorySubtreeStore } from "./memory-subtree-store.ts";
import { leafHash, rootFromLeafHashes } from "./merkle.ts";

const leaves = Array.from({ length: 200 }, (_, i) => leafHash(utf8Encode(`appended entry ${i}`)));

const rowsOf = (nodes: readonly SubtreeNode[]): string[] =>
  nodes.map((n) => `${n.level}/${n.index}=${hexEncode(n.hash)}`).sort();

describe("CompactRange", () => {
  test("the root after every append equals MTH of the leaves so far", () => {
    let range = CompactRange.empty();
    assert.equal(hexEncode(range.root()), hexEncode(rootFromLeafHashes([])));
    for (let size = 1; size <= leaves.length; size++) {
      range = range.append([leaves[size - 1] as Uint8Array]).range;
      assert.equal(range.size, size);
      assert.equal(
        hexEncode(range.root()),
        hexEncode(rootFromLeafHashes(leaves.slice(0, size))),
        `size ${size}`,
      );
    }
  });

  test("appends return every complete aligned subtree exactly once, with its MTH", () => {
    const size = 77;
    const { nodes } = CompactRange.empty().append(leaves.slice(0, size));
    const expected: string[] = [];
    for (let level = 0; 2 ** level <= size; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= size; index++) {
        const subtree = leaves.slice(index * 2 ** level, (index + 1) * 2 ** level);
        expected.push(`${level}/${index}=${hexEncode(rootFromLeafHashes(subtree))}`);
      }
    }
    assert.deepEqual(rowsOf(nodes), expected.sort());
    // A tree of n leaves has 2n - popcount(n) complete aligned subtrees: 2 * 77 - 4.
    assert.equal(nodes.length, 150);
  });

  test("batches of any size produce the same rows as single appends", () => {
    const one_by_one: SubtreeNode[] = [];
    let single = CompactRange.empty();
    for (const leaf of leaves) {
      const result = single.append([leaf]);
      one_by_one.push(...result.nodes);
      single = result.range;
    }
    const batched: SubtreeNode[] = [];
    let range = CompactRange.empty();
    for (const batch of [1, 2, 3, 5, 8, 13, 21, 34, 55, 58]) {
      const result = range.append(leaves.slice(range.size, range.size + batch));
      batched.push(...result.nodes);
      range = result.range;
    }
    assert.equal(range.size, leaves.length);
    assert.deepEqual(rowsOf(batched), rowsOf(one_by_one));
    assert.equal(hexEncode(range.root()), hexEncode(single.root()));
  });

  test("append leaves the original range unchanged, so a failed write can be retried", () => {
    const before = CompactRange.empty().append(leaves.slice(0, 5)).range;
    const root_before = hexEncode(before.root());
    const after = before.append(leaves.slice(5, 9)).range;
    assert.equal(before.size, 5);
    assert.equal(hexEncode(before.root()), root_before);
    assert.equal(after.size, 9);
  });

  test("a range reloaded from the store after a restart continues the same tree", async () => {
    const store = new MemorySubtreeStore();
    store.append(leaves.slice(0, 123));
    const reloaded = await CompactRange.load(store, store.size);
    assert.equal(hexEncode(reloaded.root()), hexEncode(store.root()));
    assert.deepEqual(
      reloaded.frontier().map((n) => [n.level, n.index]),
      [
        [6, 0],
        [5, 2],
        [4, 6],
        [3, 14],
        [1, 60],
        [0, 122],
      ],
    );
    const continued = reloaded.append(leaves.slice(123)).range;
    assert.equal(hexEncode(continued.root()), hexEncode(rootFromLeafHashes(leaves)));
    const rebuilt = CompactRange.fromFrontier(
      continued.size,
      continued.frontier().map((n) => n.hash),
    );
    assert.equal(hexEncode(rebuilt.root()), hexEncode(continued.root()));
  });

  test("asserts that a frontier matches its size, because a mismatch is a bug", () => {
    assert.throws(() => CompactRange.fromFrontier(3, [leaves[0] as Uint8Array]), /invariant violated/);
    assert.throws(() => CompactRange.empty().append([new Uint8Array(31)]), /invariant violated/);
  });
});
