// `credence log checkpoint|key|verify` and `credence witness`: the log seen from outside, with public data only.
import fs from "node:fs";
import { type Io, parse, printData, printHelp, UsageError, withLocal } from "../cli/cli-kit.ts";
import { base64Decode } from "./bytes.ts";
import { cosignatureVerifier } from "./cosignature.ts";
import { commitSubject, decodeEntry } from "./entry.ts";
import { logVerifierKey } from "./log-routes.ts";
import { latestCheckpoint } from "./log-store.ts";
import {
  decodeProof,
  verifyCheckpoint,
  verifyCheckpointConsistency,
  verifyEntryInclusion,
  verifyWitnessedCheckpoint,
} from "./verify.ts";
import { loadOrCreateWitnessKey, Witness, type WitnessBureau } from "./witness-server.ts";

export const logHelp = `Usage:
  credence log checkpoint [--server URL] [--json]      the latest signed checkpoint
  credence log key [--server URL] [--json]             the bureau's verifier key
  credence log verify --key VKEY --checkpoint FILE [options] [--json]
      --disclosures FILE       the JSON a person gets from GET /v1/me/disclosures: checks every entry's inclusion
                               and that its subject commitment opens to the person's pseudonym with its salt
      --entry-b64 B64 --index N --proof H1,H2,…   an entry, its leaf index and inclusion proof (base64 hashes)
      --older FILE --consistency H1,H2,…          an older checkpoint and the consistency proof to --checkpoint
      --witness-key VKEY [--quorum N]             also require N cosignatures from these witness keys
  Needs nothing but public data and the bureau's key; exits 1 with the error code when a check fails.`;

export const witnessHelp = `Usage: credence witness --bureau URL --api-key KEY [--bureau URL --api-key KEY …]
         [--key-file witness-key.json] [--state witness-state.json] [--name NAME] [--port 8090] [--interval-ms 1000] [--once] [--json]
Run by the regulator: polls each bureau's checkpoint, verifies it is consistent with the last one it cosigned,
cosigns it (tlog-cosignature/v1), posts the cosignature back, and serves /cosignatures, /alarms and /key.
Alarms (fork, split view, rollback, bad signature) are printed to stderr at once.`;

/** The parts of GET /v1/me/disclosures the verifier reads. */
interface DisclosurePage {
  pseudonym: string;
  checkpoint: { note: string } | null;
  disclosures: { index: number; entry_bytes: string; salt: string; inclusion_proof: string[] }[];
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

function hashesOf(list: string | undefined): string[] {
  return list ? list.split(",").filter(Boolean) : [];
}

export async function logCommand(argv: string[], io: Io): Promise<number> {
  const [action, ...rest] = argv;
  if (action === "checkpoint" || action === "key") {
    const { values } = parse(rest, { server: { type: "string" }, json: { type: "boolean" } });
    if (values.help) return printHelp(io, logHelp);
    if (action === "key") {
      const key = values.server
        ? ((await (await fetch(new URL("/v1/log/key", values.server))).json()) as { verifier_key: string })
            .verifier_key
        : await withLocal(async (ctx) => logVerifierKey(ctx));
      printData(io, Boolean(values.json), { verifier_key: key }, () => key);
      return 0;
    }
    const note = values.server
      ? await (await fetch(new URL("/v1/log/checkpoint", values.server))).text()
      : await withLocal(async (ctx) => (await latestCheckpoint(ctx.db))?.note ?? "");
    if (!note) throw new UsageError("the log has no checkpoint yet");
    printData(io, Boolean(values.json), { note }, () => note.trimEnd());
    return 0;
  }
  if (action === "verify") {
    const { values } = parse(rest, {
      key: { type: "string" },
      checkpoint: { type: "string" },
      disclosures: { type: "string" },
      "entry-b64": { type: "string" },
      index: { type: "string" },
      proof: { type: "string" },
      older: { type: "string" },
      consistency: { type: "string" },
      "witness-key": { type: "string", multiple: true },
      quorum: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) return printHelp(io, logHelp);
    if (!values.key) throw new UsageError("log verify needs --key VKEY (the bureau's verifier key)");
    const page = values.disclosures
      ? (JSON.parse(readText(values.disclosures)) as DisclosurePage)
      : undefined;
    const note = page?.checkpoint?.note ?? (values.checkpoint ? readText(values.checkpoint) : undefined);
    if (!note) throw new UsageError("log verify needs --checkpoint FILE or --disclosures FILE");
    const checks: string[] = [];
    try {
      const witnesses = values["witness-key"] ?? [];
      const checkpoint = witnesses.length
        ? verifyWitnessedCheckpoint(note, values.key, {
            witness_keys: witnesses.map((key) => cosignatureVerifier(key)),
            quorum: Number(values.quorum ?? witnesses.length),
            now_s: Math.floor(Date.now() / 1000),
          })
        : verifyCheckpoint(note, values.key);
      checks.push(
        `checkpoint ${checkpoint.origin} size ${checkpoint.size}: signature valid${witnesses.length ? ", witnessed" : ""}`,
      );
      const entries = page
        ? page.disclosures.map((d) => ({
            b64: d.entry_bytes,
            index: d.index,
            proof: d.inclusion_proof,
            salt: d.salt,
          }))
        : values["entry-b64"] === undefined
          ? []
          : [
              {
                b64: values["entry-b64"],
                index: Number(values.index),
                proof: hashesOf(values.proof),
                salt: undefined,
              },
            ];
      for (const item of entries) {
        const bytes = base64Decode(item.b64);
        if (!bytes) throw new UsageError("an entry is not base64");
        if (!Number.isSafeInteger(item.index)) throw new UsageError("an entry needs --index N");
        verifyEntryInclusion(bytes, item.index, decodeProof(item.proof), checkpoint);
        const entry = decodeEntry(bytes);
        let mine = "";
        if (page && item.salt !== undefined) {
          if (commitSubject(item.salt, page.pseudonym) !== entry.subject_commitment) {
            throw Object.assign(new Error(`entry ${item.index} does not commit to this person`), {
              code: "LOG_COMMITMENT_MISMATCH",
            });
          }
          mine = ", names this person";
        }
        checks.push(
          `entry ${item.index} (${entry.product} to ${entry.recipient} at ${entry.time}): included${mine}`,
        );
      }
      if (values.older) {
        const older = verifyCheckpoint(readText(values.older), values.key);
        verifyCheckpointConsistency(older, checkpoint, decodeProof(hashesOf(values.consistency)));
        checks.push(`checkpoint ${older.size} → ${checkpoint.size}: consistent`);
      }
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!code || error instanceof UsageError) throw error;
      printData(
        io,
        Boolean(values.json),
        { ok: false, code, message: (error as Error).message, passed: checks },
        () =>
          [...checks.map((check) => `ok    ${check}`), `FAIL  ${code}: ${(error as Error).message}`].join(
            "\n",
          ),
      );
      return 1;
    }
    printData(io, Boolean(values.json), { ok: true, passed: checks }, () =>
      checks.map((check) => `ok    ${check}`).join("\n"),
    );
    return 0;
  }
  io.stdout(logHelp);
  return action === undefined || action === "--help" || action === "-h" ? 0 : 2;
}

export async function witnessCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    bureau: { type: "string", multiple: true },
    "api-key": { type: "string", multiple: true },
    "key-file": { type: "string", default: "witness-key.json" },
    state: { type: "string", default: "witness-state.json" },
    name: { type: "string", default: "credence.example/witness" },
    port: { type: "string", default: "8090" },
    "interval-ms": { type: "string", default: "1000" },
    once: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) return printHelp(io, witnessHelp);
  const urls = values.bureau ?? [];
  const keys = values["api-key"] ?? [];
  if (urls.length === 0 || urls.length !== keys.length)
    throw new UsageError("give one --api-key after each --bureau URL");
  const bureaus: WitnessBureau[] = urls.map((url, i) => ({ url, api_key: keys[i] as string }));
  const witness = new Witness({
    bureaus,
    cosigner: loadOrCreateWitnessKey(values["key-file"] as string, values.name as string),
    state_file: values.state as string,
    on_alarm: (alarm) => io.stderr(`ALARM ${alarm.code} at ${alarm.bureau}: ${alarm.message}`),
  });
  if (values.once) {
    const results = await witness.pollOnce();
    printData(io, Boolean(values.json), { witness_key: witness.verifier_key, results }, () =>
      results
        .map(
          (result) =>
            `${result.bureau}: ${result.outcome}${result.size === undefined ? "" : ` at size ${result.size}`}`,
        )
        .join("\n"),
    );
    return results.some((result) => result.outcome === "alarm") ? 1 : 0;
  }
  await witness.serve(Number(values.port));
  io.stdout(
    `witness ${witness.verifier_key} serving on http://127.0.0.1:${values.port}; watching ${urls.join(", ")}`,
  );
  for (;;) {
    await witness.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, Number(values["interval-ms"])));
  }
}
