// Loads the demo world into an empty exchange: the institutions of the articles, three weeks of their story
// (platforms joining one by one, lenders querying with consent), and one key per institution for the tour.
import { Readable } from "node:stream";
import { foldLog } from "../billing/metering.ts";
import { ManualClock } from "../config/clock.ts";
import { registerConsent } from "../consent/consents.ts";
import { logSequencer } from "../disclosure-log/log-sequencer-factory.ts";
import { receiveSubmission } from "../furnishing/submissions.ts";
import type { AppContext } from "../http/context.ts";
import { subjectKey } from "../identity/pseudonym.ts";
import {
  createApiKey,
  createInstitution,
  issueSubjectToken,
  listInstitutions,
} from "../institutions/institutions.ts";
import { seedDemoMandates, snapshotCompliance } from "../oversight/index.ts";
import { QueryLimits } from "../reports/query-limits.ts";
import { answerQuery } from "../reports/query-service.ts";
import { demoInstitutions } from "./demo-institutions.ts";
import { generatePopulation, ndjsonChunks, subjectIdentifier } from "./population.ts";

export interface DemoKey {
  readonly institution_id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly token: string;
}

export interface DemoWorld {
  readonly keys: DemoKey[];
  /** Personal tokens of a few demo people, for the personal portal. */
  readonly subjects?: { person: number; token: string }[];
  /** Submissions of the synthetic population. */
  readonly submissions?: {
    furnisher_id: string;
    status: string;
    lines_accepted: number;
    lines_rejected: number;
  }[];
}

export async function isEmptyExchange(ctx: AppContext): Promise<boolean> {
  return (await listInstitutions(ctx.db.kysely)).length === 0;
}

/** The seed of the demo population; fixed so every fresh clone shows the same world. */
export const demo_seed = 1;
/** The story starts this many days before the load and the mandate's deadline falls a week after it. */
const story_days = 21;
const deadline_days = 28;
/** The day of the story each furnisher sends its file; yunlv-travel only joins at the end, late. */
const furnishing_day: Record<string, number> = {
  "donggang-bank": 1,
  "beiyuan-bank": 1,
  "qilin-pay": 3,
  "jingxi-mall": 7,
  "mantou-eats": 12,
  "yunlv-travel": 20,
};
const onboarding_day: Record<string, number> = {
  "qilin-pay": 0,
  "jingxi-mall": 4,
  "mantou-eats": 9,
  "yunlv-travel": 16,
};
/** Lenders and how many of the population each queries in the last week of the story. */
const query_plan: readonly {
  lender: string;
  people: number;
  purpose: "loan_origination" | "credit_limit_review";
}[] = [
  { lender: "donggang-bank", people: 120, purpose: "loan_origination" },
  { lender: "beiyuan-bank", people: 80, purpose: "credit_limit_review" },
  { lender: "hupan-rcb", people: 40, purpose: "loan_origination" },
  { lender: "jingxi-mall", people: 30, purpose: "loan_origination" },
  { lender: "qilin-pay", people: 14, purpose: "loan_origination" },
];
const demo_subjects = [1, 2, 3];

const day_ms = 86_400_000;

export async function loadDemoWorld(ctx: AppContext, people = ctx.config.demo_people): Promise<DemoWorld> {
  // The story ends an hour before now, so nothing in it is dated in the future.
  const start = new Date(ctx.clock.now().getTime() - story_days * day_ms - 3_600_000);
  const clock = new ManualClock(start);
  const story: AppContext = { ...ctx, clock };
  const keys: (DemoKey & { key_id: string })[] = [];
  for (const institution of demoInstitutions) {
    await createInstitution(ctx.db.kysely, institution, clock);
    const key = await createApiKey(ctx.db.kysely, { institution_id: institution.id, label: "demo" }, clock);
    keys.push({
      institution_id: institution.id,
      name: institution.name,
      roles: institution.roles,
      token: key.token,
      key_id: key.id,
    });
  }
  const publicKeys = keys.map(({ key_id: _id, ...key }) => key);
  // The synthetic population holds Chinese resident IDs in yuan; another regime gets the institutions only.
  if (people === 0 || ctx.config.regime.code !== "cn") return { keys: publicKeys };

  await seedDemoMandates(
    ctx.db,
    clock,
    demoInstitutions
      .filter((institution) => institution.active_users_declared)
      .map((institution) => ({
        institution_id: institution.id,
        deadline: new Date(start.getTime() + deadline_days * day_ms).toISOString().slice(0, 10),
        active_users_declared: Math.max(
          1,
          Math.round(((institution.active_users_declared ?? 0) * people) / 10_000),
        ),
        onboarded_at: null,
      })),
  );
  const streams = new Map(
    generatePopulation({ people, seed: demo_seed, now: start }).map((s) => [s.institution_id, s.lines]),
  );
  const submissions: NonNullable<DemoWorld["submissions"]> = [];
  for (let day = 0; day <= story_days; day++) {
    clock.set(new Date(start.getTime() + day * day_ms));
    for (const [institution_id, onboard] of Object.entries(onboarding_day)) {
      if (onboard !== day) continue;
      const mandate = demoInstitutions.find((institution) => institution.id === institution_id);
      await seedDemoMandates(ctx.db, clock, [
        {
          institution_id,
          deadline: new Date(start.getTime() + deadline_days * day_ms).toISOString().slice(0, 10),
          active_users_declared: Math.max(
            1,
            Math.round(((mandate?.active_users_declared ?? 0) * people) / 10_000),
          ),
          onboarded_at: clock.now(),
        },
      ]);
    }
    for (const [institution_id, lines] of streams) {
      if (furnishing_day[institution_id] !== day) continue;
      const received = await receiveSubmission(
        story,
        { furnisher_id: institution_id, format: "ndjson", gzip: false, channel: "bulk" },
        Readable.from(ndjsonChunks(lines), { objectMode: false }),
      );
      const done = await received.done;
      submissions.push({
        furnisher_id: institution_id,
        status: done.status,
        lines_accepted: Number(done.lines_accepted),
        lines_rejected: Number(done.lines_rejected),
      });
    }
    if (day >= story_days - 6) await queryDay(story, clock, keys, people, day - (story_days - 6));
    await logSequencer(story).drain();
    await snapshotCompliance(ctx.db, clock);
  }
  await foldLog(ctx.db, clock);
  const subjects = [];
  for (const person of demo_subjects.filter((n) => n < people)) {
    const id = subjectIdentifier(person);
    const token = await issueSubjectToken(
      ctx.db.kysely,
      subjectKey(ctx.keyring.pseudonym_key, id.id_type, id.id_number),
      clock,
      365,
    );
    subjects.push({ person, token: token.token });
  }
  return { keys: publicKeys, subjects, submissions };
}

/** One day of lenders' consented queries; each lender works through its share of the population over a week. */
async function queryDay(
  ctx: AppContext,
  clock: ManualClock,
  keys: readonly (DemoKey & { key_id: string })[],
  people: number,
  day: number,
) {
  const limits = new QueryLimits(ctx.db, ctx.clock, { rate_per_s: 1_000_000, daily_quota: 1_000_000 });
  for (const plan of query_plan) {
    const key = keys.find((candidate) => candidate.institution_id === plan.lender);
    if (!key) continue;
    const per_day = Math.ceil(Math.min(plan.people, people) / 7);
    for (let i = day * per_day; i < Math.min((day + 1) * per_day, plan.people, people); i++) {
      // Each lender looks at a different slice of the population; the first demo people see every lender.
      const person = i < demo_subjects.length + 1 ? i : (i * 7 + plan.lender.length * 13) % people;
      const identifier = subjectIdentifier(person);
      const consent = await registerConsent(ctx.db.kysely, ctx.keyring, ctx.clock, plan.lender, {
        subject_key: subjectKey(ctx.keyring.pseudonym_key, identifier.id_type, identifier.id_number),
        purpose: plan.purpose,
        categories: ["credit_accounts", "alternative_data", "score"],
        mode: "one_time",
        starts_at: ctx.clock.now(),
        expires_at: new Date(ctx.clock.now().getTime() + 30 * day_ms),
        evidence_sha256: "0".repeat(63) + String(person % 10),
        evidence_ref: `demo-authorisation-${plan.lender}-${person}`,
      });
      await answerQuery(
        ctx,
        { limits },
        { kind: "institution", institution_id: plan.lender, roles: ["lender"], key_id: key.key_id },
        { product: "report+score", purpose: plan.purpose, consent_id: consent.id },
      ).catch((error: { code?: string }) => {
        // People without any file answer NO_RECORD; that is part of a real week too.
        if (error.code !== "NO_RECORD") throw error;
      });
      clock.advance(15_000);
    }
  }
}

export function describeDemoKeys(world: DemoWorld): string {
  const lines = ["Demo keys (shown once; keep them for the tour):"];
  for (const key of world.keys) {
    lines.push(`  ${key.institution_id.padEnd(14)} ${key.roles.join("+").padEnd(18)} ${key.token}`);
  }
  for (const subject of world.subjects ?? []) {
    lines.push(`  person ${String(subject.person).padEnd(7)} personal token     ${subject.token}`);
  }
  return lines.join("\n");
}
