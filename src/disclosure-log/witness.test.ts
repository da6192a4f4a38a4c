import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../cli/main.ts";
import { type ServeProcess, startServeProcess } from "../cli/testing.ts";
import { createScratchDatabase } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { loadOrCreateWitnessKey, Witness, type WitnessAlarm } from "./witness-server.ts";

const person = (n: number) => ({ id_type: "cn_resident_id", id_number: uniqueResidentId(n) });

async function post(
  server: ServeProcess,
  key: string,
  pathname: string,
  body: unknown,
  type = "application/json",
) {
  const response = await fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.keys[key]}`, "content-type": type },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Furnishes one person and has a bank pull their report: one disclosure in the log. */
async function disclose(server: ServeProcess, n: number): Promise<void> {
  const lines = [
    { type: "subject", ...person(n), name: `Synthetic Person ${n}` },
    {
      type: "activity",
      ...person(n),
      category: "payments",
      period: "2026-09",
      event_count: 30,
      amount_minor: 90_000,
      currency: "CNY",
    },
  ];
  const upload = await post(
    server,
    "qilin-pay",
    "/v1/submissions?wait=true",
    `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`,
    "application/x-ndjson",
  );
  assert.ok(upload.status === 201 || upload.status === 200, JSON.stringify(upload.body));
  const consent = await post(server, "donggang-bank", "/v1/consents", {
    subject: person(n),
    purpose: "loan_origination",
    categories: ["alternative_data"],
    mode: "one_time",
    expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    evidence: { sha256: "b".repeat(64), ref: `form-${n}` },
  });
  assert.equal(consent.status, 201, JSON.stringify(consent.body));
  const report = await post(server, "donggang-bank", "/v1/reports", {
    consent_id: consent.body.id,
    product: "report",
    purpose: "loan_origination",
  });
  assert.equal(report.status, 200, JSON.stringify(report.body));
}

async function waitForSize(server: ServeProcess, size: number): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${server.url}/v1/log/checkpoint`);
    if (response.ok) {
      const note = await response.text();
      if (Number(note.split("\n")[1]) >= size) return note;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the log did not reach size ${size}`);
}

function capture() {
  const out: string[] = [];
  return { out, io: { stdout: (text: string) => out.push(text), stderr: (text: string) => out.push(text) } };
}

describe("the regulator's witness over two bureau processes", () => {
  const bureaus: ServeProcess[] = [];
  const drops: (() => Promise<void>)[] = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "credence-witness-"));
  const alarms: WitnessAlarm[] = [];
  let witness: Witness;

  async function startBureau(origin: string, data_dir?: string): Promise<ServeProcess> {
    let database_url: string | undefined;
    if (process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(process.env.DATABASE_URL);
      database_url = scratch.url;
      drops.push(scratch.drop);
    }
    return startServeProcess({ DATABASE_URL: database_url, CREDENCE_LOG_ORIGIN: origin }, data_dir);
  }

  before(async () => {
    bureaus.push(await startBureau("bureau-a.example/log"), await startBureau("bureau-b.example/log"));
    witness = new Witness({
      bureaus: bureaus.map((bureau) => ({ url: bureau.url, api_key: bureau.keys["central-bank"] as string })),
      cosigner: loadOrCreateWitnessKey(path.join(work, "key.json"), "regulator.example/witness"),
      state_file: path.join(work, "state.json"),
      on_alarm: (alarm) => alarms.push(alarm),
    });
  });
  after(async () => {
    for (const bureau of bureaus) await bureau.stop();
    for (const drop of drops) await drop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("cosigns each bureau's growing log and the bureaus publish the cosignatures", async () => {
    for (const [i, bureau] of bureaus.entries()) await disclose(bureau, 10 + i);
    for (const bureau of bureaus) await waitForSize(bureau, 1);
    assert.deepEqual(
      (await witness.pollOnce()).map((r) => r.outcome),
      ["cosigned", "cosigned"],
    );
    for (const [i, bureau] of bureaus.entries()) await disclose(bureau, 20 + i);
    for (const bureau of bureaus) await waitForSize(bureau, 2);
    const second = await witness.pollOnce();
    assert.deepEqual(
      second.map((r) => [r.outcome, r.size]),
      [
        ["cosigned", 2],
        ["cosigned", 2],
      ],
    );
    assert.equal(alarms.length, 0);

    const bureau = bureaus[0] as ServeProcess;
    const note = await (await fetch(`${bureau.url}/v1/log/checkpoint`)).text();
    const { verifier_key } = (await (await fetch(`${bureau.url}/v1/log/key`)).json()) as {
      verifier_key: string;
    };
    fs.writeFileSync(path.join(work, "cp.txt"), note);
    const { out, io } = capture();
    const code = await main(
      [
        "log",
        "verify",
        "--key",
        verifier_key,
        "--checkpoint",
        path.join(work, "cp.txt"),
        "--witness-key",
        witness.verifier_key,
      ],
      io,
    );
    assert.equal(code, 0, out.join("\n"));
    assert.match(out.join("\n"), /signature valid, witnessed/);

    const entries = (await (
      await fetch(`${bureau.url}/v1/log/entries?start=0&end=2`, {
        headers: { authorization: `Bearer ${bureau.keys["central-bank"]}` },
      })
    ).json()) as { entries: { index: number; entry_b64: string }[] };
    const proof = (await (
      await fetch(`${bureau.url}/v1/log/proof/inclusion?index=1&size=2`, {
        headers: { authorization: `Bearer ${bureau.keys["hupan-rcb"]}` },
      })
    ).json()) as { hashes: string[] };
    const entry = entries.entries[1] as { entry_b64: string };
    const verified = capture();
    assert.equal(
      await main(
        [
          "log",
          "verify",
          "--key",
          verifier_key,
          "--checkpoint",
          path.join(work, "cp.txt"),
          "--entry-b64",
          entry.entry_b64,
          "--index",
          "1",
          "--proof",
          proof.hashes.join(","),
        ],
        verified.io,
      ),
      0,
      verified.out.join("\n"),
    );
    const tampered = capture();
    const flipped = Buffer.from(entry.entry_b64, "base64");
    flipped[10] = (flipped[10] as number) ^ 1;
    assert.equal(
      await main(
        [
          "log",
          "verify",
          "--key",
          verifier_key,
          "--checkpoint",
          path.join(work, "cp.txt"),
          "--entry-b64",
          flipped.toString("base64"),
          "--index",
          "1",
          "--proof",
          proof.hashes.join(","),
        ],
        tampered.io,
      ),
      1,
    );
    assert.match(tampered.out.join("\n"), /FAIL {2}LOG_/);
  });

  it("answers out-of-range proof requests with 400, not 500", async () => {
    const bureau = bureaus[0] as ServeProcess;
    for (const query of ["index=5&size=2", "index=0&size=99", "index=-1&size=2"]) {
      const response = await fetch(`${bureau.url}/v1/log/proof/inclusion?${query}`, {
        headers: { authorization: `Bearer ${bureau.keys["central-bank"]}` },
      });
      assert.ok([400, 422].includes(response.status), `${query} gave ${response.status}`);
    }
    const consistency = await fetch(`${bureau.url}/v1/log/proof/consistency?from=2&to=1`, {
      headers: { authorization: `Bearer ${bureau.keys["central-bank"]}` },
    });
    assert.equal(consistency.status, 400);
    const anonymous = await fetch(`${bureau.url}/v1/log/entries?start=0&end=1`);
    assert.equal(anonymous.status, 401);
  });

  it("raises an alarm when a bureau's log is rolled back and rebuilt", async () => {
    const old = bureaus[0] as ServeProcess;
    await old.stop();
    const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-serve-"));
    fs.copyFileSync(path.join(old.data_dir, "keys.json"), path.join(data_dir, "keys.json"));
    const reborn = await startBureau("bureau-a.example/log", data_dir);
    bureaus[0] = reborn;
    await disclose(reborn, 30);
    await waitForSize(reborn, 1);
    // The witness remembers the old bureau's tree under the reborn URL, as if the bureau had swapped its log.
    const state = JSON.parse(fs.readFileSync(path.join(work, "state.json"), "utf8"));
    state.bureaus = { [reborn.url]: state.bureaus[old.url] };
    fs.writeFileSync(path.join(work, "state-a.json"), JSON.stringify(state));
    const rebuiltWitness = new Witness({
      bureaus: [{ url: reborn.url, api_key: reborn.keys["central-bank"] as string }],
      cosigner: loadOrCreateWitnessKey(path.join(work, "key.json"), "regulator.example/witness"),
      state_file: path.join(work, "state-a.json"),
      on_alarm: (alarm) => alarms.push(alarm),
    });
    const results = await rebuiltWitness.pollOnce();
    assert.equal(results[0]?.outcome, "alarm");
    assert.equal(alarms.at(-1)?.code, "LOG_TREE_SHRANK");
    assert.ok(alarms.at(-1)?.evidence.previous_note);
  });
});
