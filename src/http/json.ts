// JSON for values JSON lacks: bigint minor units and bytes.
const safe_max = BigInt(Number.MAX_SAFE_INTEGER);
const safe_min = BigInt(Number.MIN_SAFE_INTEGER);

/** The replacer of every JSON answer: it runs for every value, so its bounds are made once, here. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") {
    return value <= safe_max && value >= safe_min ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  return value;
}
