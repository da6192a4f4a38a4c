import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReferenceCache, referenceDataChanged } from "./reference-cache.ts";

describe("ReferenceCache", () => {
  it("loads once while fresh, again after a write anywhere in the process", async () => {
    const cache = new ReferenceCache<number>({ ttl_ms: 60_000 });
    let loads = 0;
    const load = async () => ++loads;
    assert.equal(await cache.get("k", load), 1);
    assert.equal(await cache.get("k", load), 1);
    assert.equal(await cache.get("other", load), 2);
    referenceDataChanged();
    assert.equal(await cache.get("k", load), 3);
  });

  it("loads again once the time to live has passed", async () => {
    const cache = new ReferenceCache<number>({ ttl_ms: 0 });
    let loads = 0;
    await cache.get("k", async () => ++loads);
    await new Promise((resolve) => setTimeout(resolve, 2));
    assert.equal(await cache.get("k", async () => ++loads), 2);
  });

  it("does not keep a failed load", async () => {
    const cache = new ReferenceCache<number>({ ttl_ms: 60_000 });
    await assert.rejects(
      cache.get("k", async () => {
        throw new Error("database down");
      }),
    );
    assert.equal(await cache.get("k", async () => 7), 7);
  });
});
