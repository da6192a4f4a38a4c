// An in-memory log of leaf hashes that keeps subtree hashes like a database store would.
// Tests use it, and so can anything that needs a small log without a database.

import { CompactRange } from "./compact-range.ts";
import { invariant } from "./invariant.ts";
import type { SubtreeHashReader, SubtreeKey } from "./subtree-proofs.ts";

export class MemorySubtreeStore implements SubtreeHashReader {
  readonly #nodes = new Map<string, Uint8Array>();
  #range = CompactRange.empty();

  get size(): number {
    return this.#range.size;
  }

  /** The current root hash. */
  root(): Uint8Array {
    return this.#range.root();
  }

  /** Appends leaf hashes and returns the index of the first one. */
  append(leaf_hashes: readonly Uint8Array[]): number {
    const first_index = this.#range.size;
    const { range, nodes } = this.#range.append(leaf_hashes);
    for (const node of nodes) this.#nodes.set(keyOf(node.level, node.index), node.hash);
    this.#range = range;
    return first_index;
  }

  async get(level: number, index: number): Promise<Uint8Array> {
    return this.#read(level, index);
  }

  async getMany(keys: readonly SubtreeKey[]): Promise<Uint8Array[]> {
    return keys.map((k) => this.#read(k.level, k.index));
  }

  #read(level: number, index: number): Uint8Array {
    const hash = this.#nodes.get(keyOf(level, index));
    invariant(hash !== undefined, "proofs only ask for subtrees inside the log");
    return hash;
  }
}

function keyOf(level: number, index: number): string {
  return `${level}/${index}`;
}
