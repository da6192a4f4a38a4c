// How a text cell becomes a value: the tokens that mean "missing" and the strict number syntax.

// A number is plain decimal or scientific notation; thousands separators, currency signs and
// words such as "Infinity" are text, so that a column that mixes them is caught, not misread.
const number_pattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const missing_tokens: ReadonlySet<string> = new Set(["", "na", "n/a", "nan", "null", "none", "?"]);

export function isMissingToken(text: string): boolean {
  return missing_tokens.has(text.trim().toLowerCase());
}

// The number a cell holds, or undefined when it is text. Values beyond the double range are text.
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!number_pattern.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}
