// Reference data that every query reads and that changes rarely (institutions, the price book), kept in
// memory for a moment. A write in this process drops every kept copy at once; a write by another process
// is seen once the copy's time to live has passed.

let generation = 0;

/** Called by every write to reference data: the next read of any ReferenceCache goes to the database. */
export function referenceDataChanged(): void {
  generation += 1;
}

interface Kept<V> {
  readonly generation: number;
  readonly loaded_ms: number;
  readonly value: Promise<V>;
}

export class ReferenceCache<V> {
  readonly #ttl_ms: number;
  readonly #entries_max: number;
  readonly #kept = new Map<string, Kept<V>>();

  constructor(options: { ttl_ms?: number; entries_max?: number } = {}) {
    this.#ttl_ms = options.ttl_ms ?? 1_000;
    this.#entries_max = options.entries_max ?? 10_000;
  }

  /** The kept value for `key`, or what `load` gives, kept from now on; a failed load is not kept. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = performance.now();
    const kept = this.#kept.get(key);
    if (kept && kept.generation === generation && now - kept.loaded_ms < this.#ttl_ms) return kept.value;
    if (this.#kept.size >= this.#entries_max) this.#kept.clear();
    const value = load();
    const entry = { generation, loaded_ms: now, value };
    this.#kept.set(key, entry);
    value.catch(() => {
      if (this.#kept.get(key) === entry) this.#kept.delete(key);
    });
    return value;
  }
}
