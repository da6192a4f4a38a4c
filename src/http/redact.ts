// Fields that may carry personal data; pino replaces them before any log line is written.
const personal_fields = ["id_number", "name", "phone", "birth_date", "identifier", "statement_text"];

export const redactPaths: string[] = [
  "req.headers.authorization",
  "req.headers.cookie",
  ...personal_fields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];
