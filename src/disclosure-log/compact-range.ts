// The right edge of the tree held in memory: appending leaves yields the subtree hashes to store.
//
// A tree of n leaves is the concatenation of one complete aligned subtree per set bit of n, largest
// first (its frontier). Appending a leaf adds the level-0 node and, while the new node is a right
// child, merges it with the frontier's last subtree into its parent. Every node created this way is
// complete and never changes again, so a store persists exactly the nodes an append returns.
// A CompactRange is immutable: append returns a new one, so a store can keep the old one until
// its transaction with the new nodes has committed.

import { invariant } from "./invariant.ts";
import { emptyRootHash, hash_bytes, nodeHash } from "./merkle.ts";
import type { SubtreeHashReader, SubtreeKey } from "./subtree-proofs.ts";
import { foldRight, frontierKeys } from "./subtree-proofs.ts";

/** A complete aligned subtree and its hash: one row for the store. */
export interface SubtreeNode extends SubtreeKey {
  readonly hash: Uint8Array;
}

export interface AppendResult {
  /** The range after the append. */
  readonly range: CompactRange;
  /** Every complete aligned subtree the append created, leaves included, children before parents. */
  readonly nodes: SubtreeNode[];
}

export class CompactRange {
  readonly #size: number;
  readonly #frontier: readonly Uint8Array[];

  private constructor(size: number, frontier: readonly Uint8Array[]) {
    invariant(frontier.length === frontierKeys(size).length, "one frontier hash per set bit of the size");
    this.#size = size;
    this.#frontier = frontier;
  }

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Rebuilds the range of a tree of `size` leaves from its frontier hashes, largest subtree first. */
  static fromFrontier(size: number, frontier: readonly Uint8Array[]): CompactRange {
    invariant(Number.isSafeInteger(size) && size >= 0, "a tree size is a non-negative integer");
    for (const h of frontier) invariant(h.length === hash_bytes, "frontier hashes are 32 bytes");
    return new CompactRange(size, [...frontier]);
  }

  /** Reads the frontier of a tree of `size` leaves from a store, for example after a restart. */
  static async load(reader: SubtreeHashReader, size: number): Promise<CompactRange> {
    return CompactRange.fromFrontier(size, await reader.getMany(frontierKeys(size)));
  }

  get size(): number {
    return this.#size;
  }

  /** The frontier as store rows, largest subtree first. */
  frontier(): SubtreeNode[] {
    return frontierKeys(this.#size).map((key, i) => ({ ...key, hash: this.#frontier[i] as Uint8Array }));
  }

  /** The root hash of the tree of `size` leaves. */
  root(): Uint8Array {
    return this.#size === 0 ? emptyRootHash() : foldRight(this.#frontier);
  }

  /**
   * Appends leaf hashes (see leafHash) in order. A server may pass its native SHA-256 node hash, which must
   * compute exactly nodeHash.
   */
  append(
    leaf_hashes: readonly Uint8Array[],
    node_hash: (left: Uint8Array, right: Uint8Array) => Uint8Array = nodeHash,
  ): AppendResult {
    invariant(Number.isSafeInteger(this.#size + leaf_hashes.length), "the tree stays below 2^53 leaves");
    const frontier = [...this.#frontier];
    const nodes: SubtreeNode[] = [];
    let size = this.#size;
    for (const leaf of leaf_hashes) {
      invariant(leaf.length === hash_bytes, "leaf hashes are 32 bytes");
      let hash = leaf;
      let level = 0;
      let index = size;
      nodes.push({ level, index, hash });
      while (index % 2 === 1) {
        const left = frontier.pop();
        invariant(left !== undefined, "a right child has its left sibling on the frontier");
        hash = node_hash(left, hash);
        level += 1;
        index = (index - 1) / 2;
        nodes.push({ level, index, hash });
      }
      frontier.push(hash);
      size += 1;
    }
    return { range: new CompactRange(size, frontier), nodes };
  }
}
