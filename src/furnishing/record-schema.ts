// The furnishing record format: one zod schema per record type and operation, the field tables the CSV
// reader needs, and the JSON Schema published at /v1/schemas/furnishing.json.
import * as z from "zod";
import { identifierTypes } from "../identity/national-id.ts";

export const id_number_length_max = 32;
export const name_length_max = 200;
export const account_ref_length_max = 64;
export const co_lender_length_max = 64;
export const amount_minor_max = Number.MAX_SAFE_INTEGER;
export const days_past_due_max = 36_500;
export const term_months_max = 1_200;
export const event_count_max = 1_000_000_000;
export const date_min = "1900-01-01";
export const period_min = "1900-01";

export const recordTypes = ["subject", "account", "statement", "activity"] as const;
export type RecordType = (typeof recordTypes)[number];

export const accountKinds = [
  "consumer_loan",
  "credit_line",
  "bnpl",
  "micro_loan",
  "credit_card",
  "mortgage",
  "small_business_loan",
] as const;

export const statementStatuses = [
  "current",
  "late_1_30",
  "late_31_60",
  "late_61_90",
  "late_91_180",
  "late_180_plus",
  "charged_off",
  "closed",
] as const;
export type StatementStatus = (typeof statementStatuses)[number];

/** Statuses that are negative information: the `cn` regime requires notice to the subject first. */
export const negativeStatuses: ReadonlySet<StatementStatus> = new Set([
  "late_1_30",
  "late_31_60",
  "late_61_90",
  "late_91_180",
  "late_180_plus",
  "charged_off",
]);

export const activityCategories = [
  "ecommerce",
  "travel",
  "food_delivery",
  "ride_hailing",
  "utilities",
  "telecom",
  "payments",
] as const;

// Printable ASCII without the space: account references end up in keys, CSV cells and URLs.
const visible_ascii = /^[\x21-\x7E]+$/;
// Names may hold any script but no control characters, which would corrupt reports and CSV files.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to reject control characters.
const no_controls = /^[^\u0000-\u001f\u007f-\u009f]+$/;
const e164_phone = /^\+[1-9][0-9]{6,14}$/;
const period_pattern = /^\d{4}-(0[1-9]|1[0-2])$/;
const currency_pattern = /^[A-Z]{3}$/;

const money = (description: string) =>
  z
    .int()
    .min(0)
    .max(amount_minor_max)
    .transform((n) => BigInt(n))
    .meta({ description: `${description}, an integer in minor units (fen, cents)` });

const date = (description: string) => z.iso.date().meta({ description: `${description}, YYYY-MM-DD` });

// Every field of every record type, defined once so that the record schemas, the CSV columns and the
// error mapping agree on its name and kind.
const field = {
  id_type: z.enum(identifierTypes).meta({ description: "Type of the subject's national identifier" }),
  id_number: z
    .string()
    .min(1)
    .max(id_number_length_max)
    .meta({ description: "The subject's national identifier; validated and normalised per id_type" }),
  name: z
    .string()
    .min(1)
    .max(name_length_max)
    .regex(no_controls)
    .meta({ description: "Full legal name (stored only in the encrypted vault)" }),
  birth_date: date("Birth date (for resident IDs it must match the date inside the ID)"),
  phone: z
    .string()
    .regex(e164_phone)
    .meta({ description: "Phone number in E.164 form, e.g. +8613800000000" }),
  account_ref: z
    .string()
    .min(1)
    .max(account_ref_length_max)
    .regex(visible_ascii)
    .meta({ description: "The furnisher's own account reference, printable ASCII without spaces" }),
  kind: z.enum(accountKinds).meta({ description: "Kind of credit" }),
  opened_on: date("Date the account was opened"),
  currency: z.string().regex(currency_pattern).meta({ description: "ISO 4217 currency code, e.g. CNY" }),
  credit_limit_minor: money("Credit limit of a revolving account"),
  principal_minor: money("Original principal of an instalment loan"),
  term_months: z.int().min(1).max(term_months_max).meta({ description: "Term of the loan in months" }),
  co_lender: z
    .string()
    .min(1)
    .max(co_lender_length_max)
    .regex(visible_ascii)
    .meta({ description: "Legal identifier of the co-lending bank, e.g. its unified social credit code" }),
  closed_on: date("Date the account was closed"),
  period: z.string().regex(period_pattern).meta({ description: "Calendar month the record covers, YYYY-MM" }),
  balance_minor: money("Outstanding balance at the end of the period"),
  past_due_minor: money("Amount past due at the end of the period"),
  days_past_due: z
    .int()
    .min(0)
    .max(days_past_due_max)
    .meta({ description: "Days the oldest unpaid amount is past due at the end of the period" }),
  scheduled_payment_minor: money("Payment due in the period"),
  actual_payment_minor: money("Payment received in the period"),
  status: z.enum(statementStatuses).meta({ description: "Payment status at the end of the period" }),
  notified_on: date("Date the subject was notified of negative information"),
  category: z.enum(activityCategories).meta({ description: "Category of the alternative data" }),
  event_count: z
    .int()
    .min(0)
    .max(event_count_max)
    .meta({ description: "Number of orders, trips, bills or payments in the period" }),
  amount_minor: money("Total amount of the events in the period"),
  on_time_share: z
    .number()
    .min(0)
    .max(1)
    .meta({ description: "Share of bills paid on time in the period, from 0 to 1" }),
};

export type FieldName = keyof typeof field | "type" | "op";

/** Every column name a CSV header may carry. */
export const fieldNames: readonly FieldName[] = [
  "type",
  "op",
  ...(Object.keys(field) as (keyof typeof field)[]),
];

export const moneyFields: ReadonlySet<string> = new Set([
  "credit_limit_minor",
  "principal_minor",
  "balance_minor",
  "past_due_minor",
  "scheduled_payment_minor",
  "actual_payment_minor",
  "amount_minor",
]);
export const integerFields: ReadonlySet<string> = new Set([
  ...moneyFields,
  "term_months",
  "days_past_due",
  "event_count",
]);
/** Fields whose CSV cells are numbers; every other column is text. */
export const numericFields: ReadonlySet<string> = new Set([...integerFields, "on_time_share"]);

const deleteOp = z
  .literal("delete")
  .meta({ description: "Withdraws the earlier record with this natural key" });

function recordSchemas<const T extends RecordType, K extends z.ZodRawShape, R extends z.ZodRawShape>(
  type: T,
  description: string,
  key: K,
  rest: R,
) {
  const typeField = z.literal(type);
  return {
    upsert: z.strictObject({ type: typeField, ...key, ...rest }).meta({ title: type, description }),
    delete: z
      .strictObject({ type: typeField, op: deleteOp, ...key })
      .meta({ title: `${type} (delete)`, description: `Withdraws a ${type} by its natural key` }),
  };
}

export const subjectSchemas = recordSchemas(
  "subject",
  "A person or organisation: its identifier, name, birth date and phone go to the encrypted vault",
  { id_type: field.id_type, id_number: field.id_number },
  { name: field.name, birth_date: field.birth_date.optional(), phone: field.phone.optional() },
);

export const accountSchemas = recordSchemas(
  "account",
  "A credit account held by a subject; carries credit_limit_minor or principal_minor, not both",
  { account_ref: field.account_ref },
  {
    id_type: field.id_type,
    id_number: field.id_number,
    kind: field.kind,
    opened_on: field.opened_on,
    currency: field.currency,
    credit_limit_minor: field.credit_limit_minor.optional(),
    principal_minor: field.principal_minor.optional(),
    term_months: field.term_months.optional(),
    co_lender: field.co_lender.optional(),
    closed_on: field.closed_on.optional(),
  },
);

export const statementSchemas = recordSchemas(
  "statement",
  "The state of an account at the end of a month, in the account's currency",
  { account_ref: field.account_ref, period: field.period },
  {
    id_type: field.id_type,
    id_number: field.id_number,
    balance_minor: field.balance_minor,
    past_due_minor: field.past_due_minor,
    days_past_due: field.days_past_due,
    scheduled_payment_minor: field.scheduled_payment_minor,
    actual_payment_minor: field.actual_payment_minor,
    status: field.status,
    notified_on: field.notified_on.optional(),
  },
);

export const activitySchemas = recordSchemas(
  "activity",
  "Alternative data: a subject's monthly aggregate in one category",
  { id_type: field.id_type, id_number: field.id_number, category: field.category, period: field.period },
  {
    event_count: field.event_count,
    amount_minor: field.amount_minor,
    currency: field.currency,
    on_time_share: field.on_time_share.optional(),
  },
);

export const schemasByType = {
  subject: subjectSchemas,
  account: accountSchemas,
  statement: statementSchemas,
  activity: activitySchemas,
} as const;

function requiredKeys(schema: z.ZodObject): readonly string[] {
  return Object.entries(schema.shape)
    .filter(([, fieldSchema]) => !(fieldSchema instanceof z.ZodOptional))
    .map(([name]) => name);
}

/** The fields each record type and operation requires, `type` (and `op` for deletes) included. */
export const requiredFields: Readonly<
  Record<RecordType, { upsert: readonly string[]; delete: readonly string[] }>
> = {
  subject: { upsert: requiredKeys(subjectSchemas.upsert), delete: requiredKeys(subjectSchemas.delete) },
  account: { upsert: requiredKeys(accountSchemas.upsert), delete: requiredKeys(accountSchemas.delete) },
  statement: { upsert: requiredKeys(statementSchemas.upsert), delete: requiredKeys(statementSchemas.delete) },
  activity: { upsert: requiredKeys(activitySchemas.upsert), delete: requiredKeys(activitySchemas.delete) },
};

export type SubjectRecord = z.output<typeof subjectSchemas.upsert>;
export type SubjectDelete = z.output<typeof subjectSchemas.delete>;
export type AccountRecord = z.output<typeof accountSchemas.upsert>;
export type AccountDelete = z.output<typeof accountSchemas.delete>;
export type StatementRecord = z.output<typeof statementSchemas.upsert>;
export type StatementDelete = z.output<typeof statementSchemas.delete>;
export type ActivityRecord = z.output<typeof activitySchemas.upsert>;
export type ActivityDelete = z.output<typeof activitySchemas.delete>;

/** A record that passed validation: identifiers normalised, amounts as bigint minor units. */
export type ValidRecord =
  | SubjectRecord
  | SubjectDelete
  | AccountRecord
  | AccountDelete
  | StatementRecord
  | StatementDelete
  | ActivityRecord
  | ActivityDelete;

/** The wire format of one line (amounts still JSON numbers), for clients and tests. */
export type RecordInput = z.input<(typeof schemasByType)[RecordType]["upsert" | "delete"]>;

const furnishingRecordSchema = z
  .union([
    subjectSchemas.upsert,
    subjectSchemas.delete,
    accountSchemas.upsert,
    accountSchemas.delete,
    statementSchemas.upsert,
    statementSchemas.delete,
    activitySchemas.upsert,
    activitySchemas.delete,
  ])
  .meta({
    title: "Credence furnishing record",
    description:
      "One line of an NDJSON or CSV furnishing file. Cross-field rules (identifier check characters, " +
      "dates not in the future, notice for negative statements, status bands) are in docs/furnishing.md.",
  });

/** The JSON Schema (draft 2020-12) of one furnishing record, as served at /v1/schemas/furnishing.json. */
export function furnishingJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(furnishingRecordSchema, { io: "input", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
}
