import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, it } from "node:test";
import { main } from "../cli/main.ts";
import { describeEachBackend } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { ensureInstitution, startTestServer, type TestServer } from "../http/testing.ts";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "credence-furnish-"));
const file = path.join(work, "records.ndjson");
fs.writeFileSync(
  file,
  [
    {
      type: "subject",
      id_type: "cn_resident_id",
      id_number: uniqueResidentId(41),
      name: "Synthetic Person 41",
    },
    {
      type: "activity",
      id_type: "cn_resident_id",
      id_number: uniqueResidentId(41),
      category: "telecom",
      period: "2026-09",
      event_count: 1,
      amount_minor: 5_800,
      currency: "CNY",
      on_time_share: 1,
    },
    {
      type: "activity",
      id_type: "cn_resident_id",
      id_number: uniqueResidentId(41),
      category: "telecom",
      period: "2026-10",
      event_count: 1,
      amount_minor: 5_800,
      currency: "CNY",
      on_time_share: 1.5,
    },
  ]
    .map((record) => JSON.stringify(record))
    .join("\n"),
);

function capture() {
  const out: string[] = [];
  return { out, io: { stdout: (text: string) => out.push(text), stderr: (text: string) => out.push(text) } };
}

describeEachBackend("credence furnish against a running server", (backend) => {
  let server: TestServer;
  let key = "";
  before(async () => {
    server = await startTestServer(backend(), { CREDENCE_REJECT_SHARE_MAX: "0.5" });
    key = (
      await ensureInstitution(server.ctx, {
        id: "tel-co",
        name: "Tel",
        legal_id: "L-TEL",
        roles: ["furnisher"],
        kind: "platform",
      })
    ).token;
  });
  after(() => server.close());

  it("streams the file and prints a JSON summary naming the rejected line count", async () => {
    const { out, io } = capture();
    assert.equal(
      await main(["furnish", file, "--server", server.url, "--key", key, "--json"], io),
      0,
      out.join("\n"),
    );
    const summary = JSON.parse(out.join("\n"));
    assert.equal(summary.status, "accepted");
    assert.equal(summary.lines_accepted, 2);
    assert.equal(summary.lines_rejected, 1);
    const again = capture();
    assert.equal(await main(["furnish", file, "--server", server.url, "--key", key, "--json"], again.io), 0);
    assert.equal(JSON.parse(again.out.join("\n")).id, summary.id);
  });
});

it("furnishes into the local embedded store, and refuses an unknown institution", async () => {
  const saved = { dir: process.env.CREDENCE_DATA_DIR, url: process.env.DATABASE_URL };
  process.env.CREDENCE_DATA_DIR = path.join(work, "store");
  process.env.CREDENCE_REJECT_SHARE_MAX = "0.5";
  delete process.env.DATABASE_URL;
  try {
    const added = capture();
    assert.equal(
      await main(
        [
          "institution",
          "add",
          "--id",
          "tel-co",
          "--name",
          "Tel",
          "--legal-id",
          "L-TEL",
          "--roles",
          "furnisher",
          "--kind",
          "platform",
        ],
        added.io,
      ),
      0,
      added.out.join("\n"),
    );
    const { out, io } = capture();
    assert.equal(await main(["furnish", file, "--as", "tel-co"], io), 0, out.join("\n"));
    assert.match(out.join("\n"), /accepted, 2 of 3 lines accepted, 1 rejected/);
    const unknown = capture();
    assert.equal(await main(["furnish", file, "--as", "nobody"], unknown.io), 1);
    assert.match(unknown.out.join("\n"), /INSTITUTION_UNKNOWN/);
  } finally {
    if (saved.dir === undefined) delete process.env.CREDENCE_DATA_DIR;
    else process.env.CREDENCE_DATA_DIR = saved.dir;
    delete process.env.CREDENCE_REJECT_SHARE_MAX;
    if (saved.url) process.env.DATABASE_URL = saved.url;
    fs.rmSync(work, { recursive: true, force: true });
  }
});
