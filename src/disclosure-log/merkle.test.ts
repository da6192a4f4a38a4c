// Tests for RFC 9162 hashing and proof verification, against published vectors and a naive tree.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hexDecode, hexEncode } from "./bytes.ts";
import {
  consistencyProofLength,
  emptyRootHash,
  inclusionProofLength,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from "./merkle.ts";
import { assertCode } from "./test-support.ts";

const hex = (s: string): Uint8Array => {
  const bytes = hexDecode(s);
  assert.ok(bytes);
  return bytes;
};

// The reference leaves and roots of RFC 6962's test data, as published with the Certificate
// Transparency and transparency-dev implementations: any RFC 9162 tree must reproduce them.
const reference_entries = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(hex);
const reference_roots = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const reference_leaves = reference_entries.map(leafHash);
const referenceRoot = (size: number): Uint8Array => hex(reference_roots[size] as string);

const reference_inclusion = [
  {
    index: 0,
    size: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];
const reference_consistency = [
  {
    size1: 2,
    size2: 8,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];

describe("hashing", () => {
  test("leaves and nodes carry the RFC 9162 prefixes", () => {
    assert.equal(hexEncode(leafHash(new Uint8Array(0))), reference_roots[1]);
    const [a, b] = reference_leaves as [Uint8Array, Uint8Array];
    assert.equal(hexEncode(nodeHash(a, b)), reference_roots[2]);
    assert.notEqual(hexEncode(nodeHash(b, a)), reference_roots[2]);
  });

  test("the root of every reference size matches the published root", () => {
    assert.equal(hexEncode(emptyRootHash()), reference_roots[0]);
    for (let n = 0; n <= reference_leaves.length; n++) {
      assert.equal(
        hexEncode(rootFromLeafHashes(reference_leaves.slice(0, n))),
        reference_roots[n],
        `size ${n}`,
      );
    }
  });
});

describe("verifyInclusion", () => {
  test("accepts the published proofs and rejects them moved to another leaf", () => {
    for (const v of reference_inclusion) {
      const proof = v.proof.map(hex);
      const leaf = reference_leaves[v.index] as Uint8Array;
      verifyInclusion(leaf, v.index, v.size, proof, referenceRoot(v.size));
      const other = (v.index + 1) % v.size;
      assertCode(
        () => verifyInclusion(leaf, other, v.size, proof, referenceRoot(v.size)),
        "LOG_INCLUSION_MISMATCH",
      );
      assertCode(
        () =>
          verifyInclusion(
            reference_leaves[other] as Uint8Array,
            v.index,
            v.size,
            proof,
            referenceRoot(v.size),
          ),
        "LOG_INCLUSION_MISMATCH",
      );
    }
  });

  test("rejects indexes outside the tree and malformed hashes", () => {
    const proof = reference_inclusion[1]?.proof.map(hex) ?? [];
    const leaf = reference_leaves[5] as Uint8Array;
    const root = referenceRoot(8);
    assertCode(() => verifyInclusion(leaf, 8, 8, proof, root), "LOG_INDEX_OUT_OF_RANGE");
    assertCode(() => verifyInclusion(leaf, -1, 8, proof, root), "LOG_INDEX_OUT_OF_RANGE");
    assertCode(() => verifyInclusion(leaf, 0.5, 8, proof, root), "LOG_INDEX_OUT_OF_RANGE");
    assertCode(() => verifyInclusion(leaf, 0, 0, [], root), "LOG_INDEX_OUT_OF_RANGE");
    assertCode(() => verifyInclusion(leaf, 5, -8, proof, root), "LOG_SIZE_OUT_OF_RANGE");
    assertCode(() => verifyInclusion(leaf.slice(1), 5, 8, proof, root), "LOG_MALFORMED_HASH");
    assertCode(() => verifyInclusion(leaf, 5, 8, proof, root.slice(1)), "LOG_MALFORMED_HASH");
    const short_hash = [proof[0]?.slice(0, 31) as Uint8Array, ...proof.slice(1)];
    assertCode(() => verifyInclusion(leaf, 5, 8, short_hash, root), "LOG_MALFORMED_HASH");
  });
});

describe("verifyConsistency", () => {
  test("accepts the published proofs and rejects swapped roots", () => {
    for (const v of reference_consistency) {
      const proof = v.proof.map(hex);
      verifyConsistency(v.size1, v.size2, proof, referenceRoot(v.size1), referenceRoot(v.size2));
      assertCode(
        () => verifyConsistency(v.size1, v.size2, proof, referenceRoot(v.size2), referenceRoot(v.size1)),
        "LOG_CONSISTENCY_MISMATCH",
      );
    }
  });

  test("handles the trivial cases: the same tree, and the empty tree", () => {
    verifyConsistency(4, 4, [], referenceRoot(4), referenceRoot(4));
    assertCode(() => verifyConsistency(4, 4, [], referenceRoot(4), referenceRoot(5)), "LOG_SPLIT_VIEW");
    assertCode(
      () => verifyConsistency(4, 4, [referenceRoot(1)], referenceRoot(4), referenceRoot(4)),
      "LOG_PROOF_LENGTH",
    );
    verifyConsistency(0, 8, [], emptyRootHash(), referenceRoot(8));
    assertCode(
      () => verifyConsistency(0, 8, [], referenceRoot(1), referenceRoot(8)),
      "LOG_CONSISTENCY_MISMATCH",
    );
    assertCode(
      () => verifyConsistency(0, 8, [referenceRoot(1)], emptyRootHash(), referenceRoot(8)),
      "LOG_PROOF_LENGTH",
    );
  });

  test("rejects a shrinking tree and an empty proof between different sizes", () => {
    assertCode(() => verifyConsistency(8, 6, [], referenceRoot(8), referenceRoot(6)), "LOG_TREE_SHRANK");
    assertCode(() => verifyConsistency(6, 8, [], referenceRoot(6), referenceRoot(8)), "LOG_PROOF_LENGTH");
  });
});

describe("proof lengths", () => {
  test("match the published proofs", () => {
    for (const v of reference_inclusion) assert.equal(inclusionProofLength(v.index, v.size), v.proof.length);
    for (const v of reference_consistency)
      assert.equal(consistencyProofLength(v.size1, v.size2), v.proof.length);
  });

  test("stay exact for trees near 2^53 leaves, where 32-bit arithmetic would break", () => {
    const size = Number.MAX_SAFE_INTEGER;
    assert.equal(inclusionProofLength(0, size), 53);
    assert.equal(inclusionProofLength(size - 1, size), 52);
    assert.equal(inclusionProofLength(2 ** 40, 2 ** 41), 41);
    assert.equal(consistencyProofLength(2 ** 40, 2 ** 41), 1);
    assert.equal(consistencyProofLength(2 ** 40 + 1, 2 ** 41), 42);
  });
});
