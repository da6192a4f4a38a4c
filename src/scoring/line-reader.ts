// Reads NDJSON input line by line with a per-line byte limit, so one huge line cannot exhaust memory.

export const line_bytes_max = 65_536;

export interface Line {
  readonly number: number;
  readonly text: string;
  readonly too_long: boolean;
}

// Splits a byte stream into lines without ever holding more than line_bytes_max of one line;
// a longer line is reported as too long and skipped. Blank lines are not reported.
export async function* readLines(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let length = 0;
  let too_long = false;
  let number = 0;
  const finish = (): Line => {
    number += 1;
    const text = too_long ? "" : Buffer.concat(parts, length).toString("utf8").replace(/\r$/, "");
    const line = { number, text, too_long };
    parts = [];
    length = 0;
    too_long = false;
    return line;
  };
  for await (const chunk of input) {
    let bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    for (;;) {
      const newline = bytes.indexOf(10);
      const piece = newline < 0 ? bytes : bytes.subarray(0, newline);
      if (!too_long) {
        if (length + piece.length > line_bytes_max) {
          too_long = true;
          parts = [];
          length = 0;
        } else {
          parts.push(piece);
          length += piece.length;
        }
      }
      if (newline < 0) break;
      const line = finish();
      if (line.too_long || line.text.trim() !== "") yield line;
      bytes = bytes.subarray(newline + 1);
    }
  }
  if (length > 0 || too_long) {
    const line = finish();
    if (line.too_long || line.text.trim() !== "") yield line;
  }
}
