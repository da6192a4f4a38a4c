// `credence furnish FILE --as INSTITUTION`: furnishes a file on the local store or through a running server,
// with a progress bar on a terminal and a JSON summary with --json.
import fs from "node:fs";
import { Transform } from "node:stream";
import { type Io, parse, printData, printHelp, UsageError, withLocal } from "../cli/cli-kit.ts";
import { getInstitution } from "../institutions/institutions.ts";
import { receiveSubmission, type SubmissionRow } from "./submissions.ts";

export const furnishHelp = `Usage: credence furnish FILE --as INSTITUTION [--format ndjson|csv] [--server URL --key KEY] [--json]
Furnishes an NDJSON or CSV file (gzip when the name ends in .gz) as the institution, through the same
pipeline as POST /v1/submissions: the same file twice returns the first result. With --server it streams
the file to a running server with the institution's key. Exit code 1 when the submission is rejected.`;

/** A pass-through that draws a progress bar on stderr when it is a terminal. */
function progress(total_bytes: number): Transform {
  let done = 0;
  let last_percent = -1;
  const tty = process.stderr.isTTY;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      const percent = Math.floor((done / Math.max(1, total_bytes)) * 100);
      if (tty && percent !== last_percent) {
        last_percent = percent;
        const filled = Math.round(percent / 5);
        process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(20 - filled)}] ${percent}%`);
        if (percent === 100) process.stderr.write("\n");
      }
      callback(null, chunk);
    },
  });
}

function summarise(
  row: Pick<
    SubmissionRow,
    "id" | "status" | "lines_total" | "lines_accepted" | "lines_rejected" | "rejection_reason"
  >,
): string {
  const lines = [
    `submission ${row.id}: ${row.status}, ${row.lines_accepted} of ${row.lines_total} lines accepted, ${row.lines_rejected} rejected`,
  ];
  if (row.rejection_reason) lines.push(row.rejection_reason);
  if (Number(row.lines_rejected) > 0) lines.push(`rejected lines: GET /v1/submissions/${row.id}/errors`);
  return lines.join("\n");
}

export async function furnishCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      as: { type: "string" },
      format: { type: "string" },
      server: { type: "string" },
      key: { type: "string" },
      json: { type: "boolean" },
    },
    true,
  );
  if (values.help) return printHelp(io, furnishHelp);
  const file = positionals[0];
  if (!file || positionals.length !== 1) throw new UsageError("furnish needs exactly one FILE");
  if (!fs.existsSync(file)) throw new UsageError(`cannot read ${file}`);
  const gzip = file.endsWith(".gz");
  const format = (values.format ?? (file.replace(/\.gz$/, "").endsWith(".csv") ? "csv" : "ndjson")) as
    | "ndjson"
    | "csv";
  if (format !== "ndjson" && format !== "csv") throw new UsageError("--format is ndjson or csv");
  const size = fs.statSync(file).size;
  const body = fs.createReadStream(file).pipe(progress(size));
  let result: Record<string, unknown> & Parameters<typeof summarise>[0];
  if (values.server) {
    if (!values.key) throw new UsageError("--server needs --key KEY (the furnisher's API key)");
    const response = await fetch(new URL(`/v1/submissions?wait=true&format=${format}`, values.server), {
      method: "POST",
      headers: {
        authorization: `Bearer ${values.key}`,
        "content-type": gzip ? "application/gzip" : format === "csv" ? "text/csv" : "application/x-ndjson",
      },
      body: body as unknown as BodyInit,
      duplex: "half",
    } as RequestInit);
    result = (await response.json()) as typeof result;
    if (!response.ok) throw new UsageError(`${result.code}: ${result.detail}`);
  } else {
    if (!values.as) throw new UsageError("furnish needs --as INSTITUTION");
    result = await withLocal(async (ctx) => {
      await getInstitution(ctx.db.kysely, values.as as string);
      const received = await receiveSubmission(
        ctx,
        { furnisher_id: values.as as string, format, gzip, channel: "bulk" },
        body,
      );
      const { file_sha256, ...row } = await received.done;
      return { ...row, file_sha256: Buffer.from(file_sha256).toString("hex"), replay: received.replay };
    });
  }
  printData(io, Boolean(values.json), result, () => summarise(result));
  return result.status === "accepted" ? 0 : 1;
}
