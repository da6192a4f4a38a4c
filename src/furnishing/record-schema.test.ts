// Tests for the published record format: the JSON Schema's shape, and the field tables the CSV reader
// relies on agreeing with it.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as z from "zod";
import {
  fieldNames,
  furnishingJsonSchema,
  integerFields,
  moneyFields,
  numericFields,
  recordTypes,
  schemasByType,
} from "./record-schema.ts";

interface ObjectSchema {
  title: string;
  properties: Record<string, { type?: string; minimum?: number; maximum?: number }>;
  required: string[];
  additionalProperties: boolean;
}

const variants = (furnishingJsonSchema().anyOf ?? []) as ObjectSchema[];

test("the JSON Schema is draft 2020-12 and offers each record type and its delete", () => {
  const schema = furnishingJsonSchema();
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.deepEqual(
    variants.map((v) => v.title),
    recordTypes.flatMap((type) => [type, `${type} (delete)`]),
  );
  for (const variant of variants) {
    assert.equal(variant.additionalProperties, false, `${variant.title} rejects unknown fields`);
    assert.ok(variant.required.includes("type"));
  }
});

test("money is published as a non-negative integer of at most 2^53 - 1", () => {
  for (const variant of variants) {
    for (const [name, property] of Object.entries(variant.properties)) {
      if (!moneyFields.has(name)) continue;
      assert.deepEqual(
        { type: property.type, minimum: property.minimum, maximum: property.maximum },
        { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        `${variant.title}.${name}`,
      );
    }
  }
});

test("the CSV field tables agree with the schema", () => {
  const published = new Set<string>();
  for (const variant of variants) {
    for (const [name, property] of Object.entries(variant.properties)) {
      published.add(name);
      assert.equal(property.type === "integer", integerFields.has(name), `${name} integer`);
      assert.equal(
        property.type === "integer" || property.type === "number",
        numericFields.has(name),
        `${name} numeric`,
      );
    }
  }
  assert.deepEqual([...published].sort(), [...fieldNames].sort());
  assert.equal(new Set(fieldNames).size, fieldNames.length);
});

test("every record schema compiles to zod's fast path", () => {
  for (const type of recordTypes) {
    assert.doesNotThrow(() => z.compile(schemasByType[type].upsert, { strict: true }), type);
    assert.doesNotThrow(() => z.compile(schemasByType[type].delete, { strict: true }), `${type} delete`);
  }
});
