// A small demo world for the browser tests, built through the API as participants would: the demo institutions,
// months of furnishing by the synthetic population, platforms under the mandate with a daily compliance history,
// one person with late payments to follow through the portals, and the bureau's log cosigned by a witness.
import assert from "node:assert/strict";
import type { ManualClock } from "../config/clock.ts";
import { demoInstitutions } from "../demo/demo-institutions.ts";
import { demo_seed } from "../demo/demo-world.ts";
import { generatePopulation, ndjsonChunks, outcomes, people_default } from "../demo/population.ts";
import { addSignatures, cosignerFromKey, generateCosignerKey, parseNote } from "../disclosure-log/index.ts";
import type { AppContext } from "../http/context.ts";
import { call, ensureInstitution } from "../http/testing.ts";
import { snapshotCompliance } from "../oversight/index.ts";

/** People in the world: enough for every platform to hold some, few enough to load in seconds. */
export const world_people = 40;

export interface PortalWorld {
  /** One API key per demo institution, by institution id. */
  readonly keys: Readonly<Record<string, string>>;
  /** The person the tests follow: one with an account that went bad. */
  readonly person: { readonly id_type: string; readonly id_number: string };
  /** The platforms under the furnishing mandate. */
  readonly mandated: readonly { readonly id: string; readonly name: string }[];
}

interface Server {
  readonly url: string;
  readonly ctx: AppContext;
  readonly clock: ManualClock;
}

/** Mandates: the deadline and onboarding of each platform, so the board shows every kind of progress. */
const mandates = [
  { id: "qilin-pay", deadline: "2026-11-20", onboarded_at: "2026-07-01T00:00:00Z" },
  { id: "mantou-eats", deadline: "2026-11-20", onboarded_at: "2026-07-15T00:00:00Z" },
  { id: "jingxi-mall", deadline: "2026-12-15", onboarded_at: "2026-10-01T00:00:00Z" },
  { id: "yunlv-travel", deadline: "2026-10-30", onboarded_at: null },
];

/** Who furnishes on which day: early platforms monthly, a late one in October, the banks from September. */
const furnishing_days: readonly { day: string; furnishers: readonly string[] }[] = [
  { day: "2026-08-12", furnishers: ["qilin-pay", "mantou-eats"] },
  { day: "2026-09-12", furnishers: ["qilin-pay", "mantou-eats", "donggang-bank", "beiyuan-bank"] },
  { day: "2026-10-12", furnishers: ["qilin-pay", "mantou-eats"] },
  { day: "2026-10-19", furnishers: ["jingxi-mall"] },
  { day: "2026-10-26", furnishers: ["donggang-bank", "beiyuan-bank"] },
];
const mandates_from = "2026-10-05";
export const world_now = "2026-11-02T08:00:00Z";

function at(day: string): Date {
  return new Date(`${day}T08:00:00Z`);
}

/** The furnisher's whole file as of the clock, uploaded as one streamed submission. */
async function furnish(server: Server, key: string, furnisher: string): Promise<void> {
  const stream = generatePopulation({ people: world_people, seed: demo_seed, now: server.clock.now() }).find(
    (candidate) => candidate.institution_id === furnisher,
  );
  assert.ok(stream, `${furnisher} furnishes in the demo`);
  const body = [...ndjsonChunks(stream.lines)].join("");
  const response = await call<{ status: string }>(`${server.url}/v1/submissions?wait=true`, {
    key,
    raw: body,
    headers: { "content-type": "application/x-ndjson" },
  });
  assert.equal(response.body.status, "accepted", `${furnisher}: ${JSON.stringify(response.body)}`);
}

async function placeMandates(server: Server, regulator: string): Promise<void> {
  for (const mandate of mandates) {
    const institution = demoInstitutions.find((candidate) => candidate.id === mandate.id);
    const declared = Math.round(((institution?.active_users_declared ?? 0) * world_people) / people_default);
    const response = await call(`${server.url}/v1/oversight/mandates/${mandate.id}`, {
      method: "PUT",
      key: regulator,
      body: {
        deadline: mandate.deadline,
        active_users_declared: declared,
        onboarded_at: mandate.onboarded_at,
      },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  }
}

/** A person with a credit account that was seriously late before the observation date, as the tests need. */
function followedPerson(now: Date): PortalWorld["person"] {
  for (const person of outcomes({ people: world_people, seed: demo_seed, now }).people) {
    if (person.credit_at_observation && person.bad_before_observation) {
      return { id_type: person.id_type, id_number: person.id_number };
    }
  }
  assert.fail("the world holds a person with late payments");
}

/** A lender's consented query about the person, through the API. */
export async function queryAbout(
  server: Server,
  lender_key: string,
  person: PortalWorld["person"],
): Promise<void> {
  const consent = await call<{ id: string }>(`${server.url}/v1/consents`, {
    key: lender_key,
    body: {
      subject: person,
      purpose: "credit_limit_review",
      categories: ["credit_accounts", "alternative_data"],
      mode: "one_time",
      expires_at: new Date(server.clock.now().getTime() + 30 * 86_400_000).toISOString(),
      evidence: { sha256: "c".repeat(64), ref: "branch-form-7" },
    },
  });
  assert.equal(consent.status, 201, JSON.stringify(consent.body));
  const answer = await call(`${server.url}/v1/reports`, {
    key: lender_key,
    body: { product: "report", purpose: "credit_limit_review", consent_id: consent.body.id },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

/** The regulator's witness cosigns the bureau's latest checkpoint, as `credence witness` does. */
export async function cosignLatestCheckpoint(server: Server, regulator_key: string): Promise<void> {
  const note = await (await fetch(`${server.url}/v1/log/checkpoint`)).text();
  const cosigner = cosignerFromKey(generateCosignerKey("central-bank.example/witness").signer_key);
  const time_s = Math.floor(server.clock.now().getTime() / 1000);
  const cosigned = addSignatures(note, [cosigner.cosign(parseNote(note).text, time_s)]);
  const response = await call(`${server.url}/v1/log/cosignatures`, {
    key: regulator_key,
    body: { note: cosigned, witness_key: cosigner.verifier_key },
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
}

/** Builds the world, leaving the clock at `world_now`. */
export async function seedPortalWorld(server: Server): Promise<PortalWorld> {
  const keys: Record<string, string> = {};
  for (const institution of demoInstitutions) {
    keys[institution.id] = (await ensureInstitution(server.ctx, institution)).token;
  }
  const key = (id: string) => keys[id] as string;
  for (const { day, furnishers } of furnishing_days.filter(({ day }) => day < mandates_from)) {
    server.clock.set(at(day));
    for (const furnisher of furnishers) await furnish(server, key(furnisher), furnisher);
  }
  server.clock.set(at(mandates_from));
  await placeMandates(server, key("central-bank"));
  // One snapshot a day, as the running server takes them, with October's files arriving on their days.
  for (let day = at(mandates_from); day <= new Date(world_now); day = new Date(day.getTime() + 86_400_000)) {
    server.clock.set(day);
    const today = day.toISOString().slice(0, 10);
    for (const furnisher of furnishing_days.find((entry) => entry.day === today)?.furnishers ?? []) {
      await furnish(server, key(furnisher), furnisher);
    }
    await snapshotCompliance(server.ctx.db, server.clock);
  }
  server.clock.set(new Date(world_now));
  const person = followedPerson(server.clock.now());
  await queryAbout(server, key("beiyuan-bank"), person);
  return {
    keys,
    person,
    mandated: mandates.map(({ id }) => ({
      id,
      name: demoInstitutions.find((institution) => institution.id === id)?.name ?? id,
    })),
  };
}
