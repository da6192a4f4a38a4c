// The synthetic population of the demo world: one NDJSON stream per furnisher, written to files or furnished
// through the real submission pipeline, and the hidden outcomes the bureau's scorecards are checked against.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { receiveSubmission, type SubmissionRow } from "../furnishing/submissions.ts";
import type { AppContext } from "../http/context.ts";
import { demoInstitutions } from "./demo-institutions.ts";
import { periodOf, populationCalendar } from "./population-calendar.ts";
import { people_max, personAt } from "./population-people.ts";
import { furnisherLines, type LineOptions, statementRowLines } from "./population-records.ts";
import { uniqueResidentId } from "./synthetic-ids.ts";
import { accountHistories, type MonthlyStatement } from "./world-histories.ts";

export { people_default, people_max, thin_file_share } from "./population-people.ts";

/** Lines are joined into chunks of about this many characters before they reach a file or an upload. */
export const chunk_chars = 64 * 1024;

export interface PopulationOptions {
  readonly people: number;
  readonly seed: number;
  /** Histories end with the last complete month before `now`; dates are checked against it. */
  readonly now: Date;
  /** Whether mantou-eats' file carries its handful of mistyped identifiers (default true). */
  readonly data_errors?: boolean;
}

export interface FurnisherStream {
  readonly institution_id: string;
  /** The file's lines, each ending in a newline; every iteration generates them afresh. */
  readonly lines: Iterable<string>;
}

/** The demo institutions that furnish, in the order their files are loaded. */
export const populationFurnishers: readonly string[] = demoInstitutions
  .filter((institution) => institution.furnishes !== undefined)
  .map((institution) => institution.id);

function lineOptions(options: Omit<PopulationOptions, "people">): LineOptions {
  return {
    seed: options.seed,
    calendar: populationCalendar(options.now),
    data_errors: options.data_errors ?? true,
  };
}

function assertPeople(people: number): void {
  assert.ok(
    Number.isSafeInteger(people) && people >= 0 && people <= people_max,
    "people is a whole number up to people_max",
  );
}

/** One NDJSON stream per furnisher; each is generated lazily, person by person. */
export function generatePopulation(options: PopulationOptions): FurnisherStream[] {
  assertPeople(options.people);
  const line_options = lineOptions(options);
  return populationFurnishers.map((institution_id) => ({
    institution_id,
    lines: { [Symbol.iterator]: () => furnisherLines(options.people, institution_id, line_options) },
  }));
}

/** A file for benchmarks: subjects, accounts and exactly `statement_rows` statements, as NDJSON lines. */
export function generateStatementRows(
  statement_rows: number,
  options: Omit<PopulationOptions, "people" | "data_errors"> & { readonly months_per_account?: number },
): Iterable<string> {
  assert.ok(Number.isSafeInteger(statement_rows) && statement_rows >= 0, "statement_rows is a whole number");
  const line_options = lineOptions(options);
  const months = options.months_per_account ?? Number.POSITIVE_INFINITY;
  return { [Symbol.iterator]: () => statementRowLines(statement_rows, line_options, months) };
}

/** Joins lines into chunks of about `chars` characters, so that streams and files see few, large writes. */
export function* ndjsonChunks(lines: Iterable<string>, chars = chunk_chars): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const line of lines) {
    parts.push(line);
    size += line.length;
    if (size >= chars) {
      yield parts.join("");
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join("");
}

export interface PopulationFile {
  readonly institution_id: string;
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
}

/** Writes NDJSON lines to a file with backpressure; returns how many lines and bytes it wrote. */
export async function writeNdjsonFile(
  file: string,
  lines: Iterable<string>,
): Promise<{ lines: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
      done(null, chunk);
    },
  });
  await pipeline(
    Readable.from(ndjsonChunks(lines), { objectMode: false }),
    counter,
    fs.createWriteStream(file),
  );
  return { lines: count, bytes };
}

/** Writes one `<institution>.ndjson` per furnisher into `dir`, one file at a time. */
export async function writePopulationFiles(
  dir: string,
  options: PopulationOptions,
): Promise<PopulationFile[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: PopulationFile[] = [];
  for (const { institution_id, lines } of generatePopulation(options)) {
    const file = path.join(dir, `${institution_id}.ndjson`);
    files.push({ institution_id, path: file, ...(await writeNdjsonFile(file, lines)) });
  }
  return files;
}

/**
 * Furnishes every furnisher's file through the real bulk submission pipeline, one after another, as of the
 * context's clock. The demo institutions must exist (loadDemoWorld). A furnisher none of the people use
 * sends nothing, since an empty upload is refused. Returns the finished submissions.
 */
export async function loadPopulation(
  ctx: AppContext,
  options: Omit<PopulationOptions, "now">,
): Promise<SubmissionRow[]> {
  const submissions: SubmissionRow[] = [];
  for (const { institution_id, lines } of generatePopulation({ ...options, now: ctx.clock.now() })) {
    const chunks = ndjsonChunks(lines);
    const first = chunks.next();
    if (first.done) continue;
    const { done } = await receiveSubmission(
      ctx,
      { furnisher_id: institution_id, format: "ndjson", gzip: false, channel: "bulk" },
      Readable.from(startingWith(first.value, chunks), { objectMode: false }),
    );
    submissions.push(await done);
  }
  return submissions;
}

function* startingWith(first: string, rest: Iterator<string>): Generator<string> {
  yield first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

export interface PersonOutcome {
  readonly n: number;
  readonly id_type: "cn_resident_id";
  readonly id_number: string;
  /** The hidden risk the person's records were drawn from; for checking models, never a feature. */
  readonly risk_logit: number;
  /** Whether a credit account had a statement in or before the observation month. */
  readonly credit_at_observation: boolean;
  /** Whether an account was already 90 or more days past due (or charged off) by the observation month. */
  readonly bad_before_observation: boolean;
  /** 90 or more days past due (or charged off) within the 12 months after the observation date; null when
   * the person had no credit statement in those months. */
  readonly bad_12m: boolean | null;
}

export interface PopulationOutcomes {
  /** The observation date T (`now` minus twelve months) and the last month a feature at T may see. */
  readonly observation_date: string;
  readonly observation_period: string;
  readonly people: Iterable<PersonOutcome>;
}

function seriouslyLate(statement: MonthlyStatement): boolean {
  return statement.days_past_due >= 90 || statement.status === "charged_off";
}

/** The scoring label of every person, computed from the same statements their lenders furnish. */
export function outcomes(options: Omit<PopulationOptions, "data_errors">): PopulationOutcomes {
  assertPeople(options.people);
  const { seed, calendar } = lineOptions(options);
  function* people(): Generator<PersonOutcome> {
    for (let n = 0; n < options.people; n++) {
      const person = personAt(seed, n, calendar);
      let credit_at_observation = false;
      let bad_before_observation = false;
      let observed = false;
      let bad = false;
      for (const history of accountHistories(seed, person, calendar)) {
        for (const statement of history.statements) {
          if (statement.month <= calendar.observation_month) {
            credit_at_observation = true;
            bad_before_observation ||= seriouslyLate(statement);
          } else {
            observed = true;
            bad ||= seriouslyLate(statement);
          }
        }
      }
      yield {
        n,
        ...subjectIdentifier(n),
        risk_logit: person.risk_logit,
        credit_at_observation,
        bad_before_observation,
        bad_12m: observed ? bad : null,
      };
    }
  }
  return {
    observation_date: calendar.observation_date,
    observation_period: periodOf(calendar.observation_month),
    people: { [Symbol.iterator]: people },
  };
}

/** The identifier person `n` is furnished under. */
export function subjectIdentifier(n: number): { id_type: "cn_resident_id"; id_number: string } {
  return { id_type: "cn_resident_id", id_number: uniqueResidentId(n) };
}
