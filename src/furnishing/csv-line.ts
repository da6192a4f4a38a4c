// Splits one CSV line into cells (RFC 4180 quoting, comma separator) and converts numeric cells. A record
// is one physical line, so a stray quote spoils that line only, never the rest of the file.

/** The cells of `text`, or undefined when a quote is stray or unterminated. */
export function splitCsvLine(text: string): string[] | undefined {
  if (text.indexOf('"') === -1) return text.split(",");
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 0x22) {
      let cell = "";
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return undefined;
        cell += text.slice(from, quote);
        if (text.charCodeAt(quote + 1) !== 0x22) {
          i = quote + 1;
          break;
        }
        cell += '"';
        from = quote + 2;
      }
      cells.push(cell);
      if (i === text.length) return cells;
      if (text.charCodeAt(i) !== 0x2c) return undefined;
      i += 1;
    } else {
      const comma = text.indexOf(",", i);
      const end = comma === -1 ? text.length : comma;
      const cell = text.slice(i, end);
      if (cell.includes('"')) return undefined;
      cells.push(cell);
      if (comma === -1) return cells;
      i = comma + 1;
    }
  }
}

// The JSON number grammar, so that a CSV cell and an NDJSON value mean the same number.
const json_number = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** The number a numeric CSV cell holds, or undefined when the cell is not written as a JSON number. */
export function parseCsvNumber(cell: string): number | undefined {
  // Plain digits are by far the most common cell; they skip the regular expression.
  const first = cell.charCodeAt(0);
  if (first >= 0x31 && first <= 0x39 && cell.length <= 15) {
    let digits = true;
    for (let i = 1; i < cell.length && digits; i++) {
      const c = cell.charCodeAt(i);
      digits = c >= 0x30 && c <= 0x39;
    }
    if (digits) return Number(cell);
  }
  return json_number.test(cell) ? Number(cell) : undefined;
}
