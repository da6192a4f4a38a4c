// Splits a byte stream into numbered UTF-8 text lines with bounded memory: a line longer than the limit
// becomes an error and splitting resumes at the next line; blank lines are counted but not returned.
import assert from "node:assert/strict";
import type { LineError } from "./errors.ts";

export const line_bytes_max_default = 65_536;

export type RawLine = { line: number; text: string; error?: undefined } | { line: number; error: LineError };

const newline = 0x0a;
const carriage_return = 0x0d;
const space = 0x20;
const tab = 0x09;
const bom = [0xef, 0xbb, 0xbf];
const empty = Buffer.alloc(0);

function isBlank(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b !== space && b !== tab) return false;
  }
  return true;
}

export class LineSplitter {
  readonly #line_bytes_max: number;
  // ignoreBOM keeps a U+FEFF in the middle of a file instead of silently dropping it; the one at the
  // start of the file is removed by #start.
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #line = 0;
  #chunk: Buffer = empty;
  #position = 0;
  #pending: Buffer[] = [];
  #pending_bytes = 0;
  #overflow = false;
  #head: Buffer | undefined = empty;

  constructor(line_bytes_max: number = line_bytes_max_default) {
    assert.ok(Number.isSafeInteger(line_bytes_max) && line_bytes_max > 0, "line_bytes_max must be positive");
    this.#line_bytes_max = line_bytes_max;
  }

  /** The number the line being read (complete or not) has; a stream error is reported against it. */
  get line_in_progress(): number {
    return this.#line + 1;
  }

  /** Hands the splitter the next chunk; call `next()` until it returns undefined before pushing again. */
  push(chunk: Uint8Array): void {
    assert.equal(this.#position, this.#chunk.length, "push() before the previous chunk was drained");
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#head === undefined) {
      this.#chunk = bytes;
      this.#position = 0;
      return;
    }
    // A byte order mark is only recognised at the start of the stream, which may arrive in pieces.
    this.#head = this.#head.length === 0 ? bytes : Buffer.concat([this.#head, bytes]);
    if (this.#head.length >= bom.length) this.#start();
  }

  /** The next non-blank line of the pushed data, or undefined when the rest is an incomplete line. */
  next(): RawLine | undefined {
    const chunk = this.#chunk;
    while (this.#position < chunk.length) {
      const start = this.#position;
      const end = chunk.indexOf(newline, start);
      if (end === -1) {
        this.#keep(chunk.subarray(start));
        this.#position = chunk.length;
        return undefined;
      }
      this.#position = end + 1;
      this.#line += 1;
      const result = this.#complete(chunk, start, end);
      if (result !== undefined) return result;
    }
    return undefined;
  }

  /** Ends the stream: returns the lines left, including a last line without a final newline. */
  finish(): RawLine[] {
    if (this.#head !== undefined) this.#start();
    const lines: RawLine[] = [];
    for (let line = this.next(); line !== undefined; line = this.next()) lines.push(line);
    if (this.#pending_bytes > 0 || this.#overflow) {
      this.#line += 1;
      const last = this.#complete(empty, 0, 0);
      if (last !== undefined) lines.push(last);
    }
    return lines;
  }

  #start(): void {
    const head = this.#head ?? empty;
    const hasBom = head[0] === bom[0] && head[1] === bom[1] && head[2] === bom[2];
    this.#chunk = hasBom ? head.subarray(bom.length) : head;
    this.#position = 0;
    this.#head = undefined;
  }

  #keep(part: Buffer): void {
    if (this.#overflow) return;
    // One byte more than the limit may be a carriage return that the newline will strip.
    if (this.#pending_bytes + part.length > this.#line_bytes_max + 1) {
      this.#overflow = true;
      this.#pending = [];
      this.#pending_bytes = 0;
      return;
    }
    this.#pending.push(Buffer.from(part));
    this.#pending_bytes += part.length;
  }

  #complete(chunk: Buffer, start: number, end: number): RawLine | undefined {
    let bytes = chunk;
    let from = start;
    let to = end;
    if (this.#overflow || this.#pending_bytes > 0) {
      const overflow = this.#overflow;
      const pending = this.#pending;
      this.#overflow = false;
      this.#pending = [];
      this.#pending_bytes = 0;
      if (overflow) return this.#tooLong();
      pending.push(chunk.subarray(start, end));
      bytes = Buffer.concat(pending);
      from = 0;
      to = bytes.length;
    }
    if (to > from && bytes[to - 1] === carriage_return) to -= 1;
    if (to - from > this.#line_bytes_max) return this.#tooLong();
    if (to === from) return undefined;
    const first = bytes[from];
    if ((first === space || first === tab) && isBlank(bytes, from, to)) return undefined;
    try {
      return { line: this.#line, text: this.#decoder.decode(bytes.subarray(from, to)) };
    } catch {
      return {
        line: this.#line,
        error: {
          line: this.#line,
          field: "",
          code: "LINE_NOT_UTF8",
          message: "The line is not valid UTF-8.",
        },
      };
    }
  }

  #tooLong(): RawLine {
    return {
      line: this.#line,
      error: {
        line: this.#line,
        field: "",
        code: "LINE_TOO_LONG",
        message: `The line is longer than ${this.#line_bytes_max} bytes.`,
      },
    };
  }
}
