// The regulator's witness: polls each bureau's checkpoint, checks it extends the last one it cosigned,
// cosigns it, hands the cosignature back to the bureau, and serves its cosignatures and alarms.
import fs from "node:fs";
import http from "node:http";
import { base64Decode } from "./bytes.ts";
import { type Cosigner, cosignerFromKey, generateCosignerKey } from "./cosignature.ts";
import { ed25519Verifier } from "./note.ts";
import { type WitnessLogState, witnessCheckpoint } from "./witness-state.ts";

export interface WitnessBureau {
  readonly url: string;
  /** A regulator-role API key at that bureau, to fetch proofs and post cosignatures. */
  readonly api_key: string;
}

export interface WitnessAlarm {
  readonly bureau: string;
  readonly code: string;
  readonly message: string;
  readonly at: string;
  readonly evidence: { previous_note: string | null; note: string };
}

interface BureauState {
  verifier_key: string;
  log: (Omit<WitnessLogState, "root_hash"> & { root_hash_b64: string }) | null;
  cosigned_note: string | null;
}

interface StateFile {
  bureaus: Record<string, BureauState>;
  alarms: WitnessAlarm[];
}

/** The most alarms kept; the oldest go first, and every alarm is also written to stderr. */
const alarms_kept_max = 1_000;

export function loadOrCreateWitnessKey(file: string, name: string): Cosigner {
  if (!fs.existsSync(file)) {
    const pair = generateCosignerKey(name);
    fs.writeFileSync(file, `${JSON.stringify(pair, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  }
  const pair = JSON.parse(fs.readFileSync(file, "utf8")) as { signer_key: string };
  return cosignerFromKey(pair.signer_key);
}

export class Witness {
  readonly #bureaus: readonly WitnessBureau[];
  readonly #cosigner: Cosigner;
  readonly #state_file: string;
  readonly #state: StateFile;
  readonly #alarm: (alarm: WitnessAlarm) => void;
  readonly #now_s: () => number;

  constructor(options: {
    bureaus: readonly WitnessBureau[];
    cosigner: Cosigner;
    state_file: string;
    on_alarm: (alarm: WitnessAlarm) => void;
    now_s?: () => number;
  }) {
    this.#bureaus = options.bureaus;
    this.#cosigner = options.cosigner;
    this.#state_file = options.state_file;
    this.#alarm = options.on_alarm;
    this.#now_s = options.now_s ?? (() => Math.floor(Date.now() / 1000));
    this.#state = fs.existsSync(this.#state_file)
      ? (JSON.parse(fs.readFileSync(this.#state_file, "utf8")) as StateFile)
      : { bureaus: {}, alarms: [] };
  }

  get verifier_key(): string {
    return this.#cosigner.verifier_key;
  }

  get alarms(): readonly WitnessAlarm[] {
    return this.#state.alarms;
  }

  cosigned(): { bureau: string; size: number | null; note: string | null }[] {
    return Object.entries(this.#state.bureaus).map(([bureau, state]) => ({
      bureau,
      size: state.log?.size ?? null,
      note: state.cosigned_note,
    }));
  }

  /** Polls every bureau once; returns what happened to each. */
  async pollOnce(): Promise<
    { bureau: string; outcome: "cosigned" | "alarm" | "unreachable" | "empty"; size?: number }[]
  > {
    const results = [];
    for (const bureau of this.#bureaus) results.push(await this.#poll(bureau));
    this.#save();
    return results;
  }

  async #poll(bureau: WitnessBureau) {
    const get = (path: string) =>
      fetch(new URL(path, bureau.url), { headers: { authorization: `Bearer ${bureau.api_key}` } });
    let note: string;
    let state = this.#state.bureaus[bureau.url];
    try {
      if (!state) {
        const key = (await (await get("/v1/log/key")).json()) as { verifier_key: string };
        state = { verifier_key: key.verifier_key, log: null, cosigned_note: null };
        this.#state.bureaus[bureau.url] = state;
      }
      const response = await get("/v1/log/checkpoint");
      if (response.status === 404) return { bureau: bureau.url, outcome: "empty" as const };
      note = await response.text();
    } catch {
      return { bureau: bureau.url, outcome: "unreachable" as const };
    }
    const previous = state.log
      ? { ...state.log, root_hash: base64Decode(state.log.root_hash_b64) as Uint8Array }
      : null;
    let proof: Uint8Array[] = [];
    const size = Number(note.split("\n")[1]);
    if (previous && Number.isSafeInteger(size) && size > previous.size) {
      const response = await get(`/v1/log/proof/consistency?from=${previous.size}&to=${size}`);
      if (response.ok)
        proof = ((await response.json()) as { hashes: string[] }).hashes.map(
          (h) => base64Decode(h) ?? new Uint8Array(),
        );
    }
    const decision = witnessCheckpoint({
      previous,
      note,
      proof,
      bureau: ed25519Verifier(state.verifier_key),
      cosigner: this.#cosigner,
      now_s: this.#now_s(),
    });
    if (decision.kind === "alarm") {
      const alarm = {
        bureau: bureau.url,
        code: decision.code,
        message: decision.message,
        at: new Date().toISOString(),
        evidence: decision.evidence,
      };
      this.#state.alarms.push(alarm);
      this.#state.alarms.splice(0, Math.max(0, this.#state.alarms.length - alarms_kept_max));
      this.#alarm(alarm);
      return { bureau: bureau.url, outcome: "alarm" as const };
    }
    const { root_hash, ...rest } = decision.state;
    state.log = { ...rest, root_hash_b64: Buffer.from(root_hash).toString("base64") };
    state.cosigned_note = decision.cosigned_note;
    await fetch(new URL("/v1/log/cosignatures", bureau.url), {
      method: "POST",
      headers: { authorization: `Bearer ${bureau.api_key}`, "content-type": "application/json" },
      body: JSON.stringify({ note: decision.cosigned_note, witness_key: this.#cosigner.verifier_key }),
    }).catch(() => {});
    return { bureau: bureau.url, outcome: "cosigned" as const, size: decision.state.size };
  }

  #save(): void {
    const temp = `${this.#state_file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.#state, null, 2), { mode: 0o600 });
    fs.renameSync(temp, this.#state_file);
  }

  /** Serves GET /cosignatures (latest cosigned note per bureau), GET /alarms and GET /key. */
  serve(port: number, host = "127.0.0.1"): Promise<http.Server> {
    const server = http.createServer((request, response) => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.url === "/cosignatures")
        return send(200, { witness_key: this.verifier_key, logs: this.cosigned() });
      if (request.url === "/alarms") return send(200, { alarms: this.alarms });
      if (request.url === "/key") return send(200, { verifier_key: this.verifier_key });
      return send(404, { code: "NOT_FOUND" });
    });
    return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
  }
}
