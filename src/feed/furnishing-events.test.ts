import assert from "node:assert/strict";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { revokeConsent } from "../consent/consents.ts";
import { describeEachBackend } from "../db/testing.ts";
import { recordFurnishingEvents } from "./furnishing-events.ts";
import { recordDisputeEvent, recordInquiryEvent } from "./subject-events.ts";
import { cancelSubscription } from "./subscriptions.ts";
import {
  addInstitution,
  continuousConsent,
  furnish,
  outboxEvents,
  subscribed,
  syntheticSubjectKey,
} from "./test-fixtures.ts";

describeEachBackend("feed events from furnishing, inquiries and disputes", (backend) => {
  const clock = new ManualClock("2026-11-01T08:00:00Z");
  const keyring = ephemeralKeyring();
  const platform = "pay-app";
  const bank = "bank-a";
  const rival = "bank-b";
  const eventsOf = (subscription_id: string) =>
    outboxEvents(backend().db, "subscription_id = $1", [subscription_id]);

  before(async () => {
    const { db } = backend();
    await addInstitution(db, clock, platform, ["furnisher"], "platform");
    await addInstitution(db, clock, bank, ["lender", "furnisher"], "bank");
    await addInstitution(db, clock, rival, ["lender"], "small_lender");
  });

  it("costs ingestion one query and writes nothing while nobody subscribes", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("unsubscribed");
    await furnish(db, platform, clock.now(), { accounts: [{ ref: "U1", subject_key: subject }] });
    let queries = 0;
    const written = await db.transaction(async (tx) => {
      const [row] = await tx.query<{ seq: bigint }>("SELECT nextval('submission_seq')::int8 AS seq");
      await tx.query(
        `INSERT INTO statements (furnisher_id, account_ref, period, seq, status, balance_minor)
         VALUES ($1, 'U1', '2026-10-01', $2, 'late_91_180', 1)`,
        [platform, row?.seq],
      );
      const counting = {
        query: <R>(text: string, params?: readonly unknown[]) => {
          queries++;
          return tx.query<R>(text, params);
        },
      };
      return recordFurnishingEvents(counting, {
        furnisher_id: platform,
        seq: row?.seq as bigint,
        now: clock.now(),
      });
    });
    assert.equal(written, 0);
    assert.equal(queries, 1);
    assert.deepEqual(await outboxEvents(db), []);
  });

  it("alerts a subscribed lender to an account opened elsewhere, then to each worsening of its status", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("history");
    const { consent, subscription_id } = await subscribed(db, keyring, clock, bank, subject);
    const now = clock.now();

    const opened = await furnish(db, platform, now, {
      accounts: [{ ref: "H1", subject_key: subject }],
      statements: [{ ref: "H1", period: "2026-08" }],
    });
    assert.equal(opened.events, 1);
    await furnish(db, platform, now, {
      statements: [{ ref: "H1", period: "2026-09", status: "late_1_30", days_past_due: 12 }],
    });
    // A correction of the same period that makes it worse.
    await furnish(db, platform, now, {
      statements: [{ ref: "H1", period: "2026-09", status: "late_31_60", days_past_due: 40 }],
    });
    // The same status sent again is no change.
    const repeated = await furnish(db, platform, now, {
      statements: [{ ref: "H1", period: "2026-09", status: "late_31_60", days_past_due: 40 }],
    });
    assert.equal(repeated.events, 0);
    await furnish(db, platform, now, {
      statements: [{ ref: "H1", period: "2026-10", status: "charged_off" }],
    });

    const events = await eventsOf(subscription_id);
    assert.deepEqual(
      events.map((event) => [event.sequence, event.type, event.data]),
      [
        [1, "account.opened_elsewhere", { account_kind: "micro_loan", opened_on: "2025-01-15" }],
        [
          2,
          "delinquency.new",
          {
            account_kind: "micro_loan",
            period: "2026-09",
            status_before: "current",
            status: "late_1_30",
            days_past_due: 12,
          },
        ],
        [
          3,
          "status.worsened",
          {
            account_kind: "micro_loan",
            period: "2026-09",
            status_before: "late_1_30",
            status: "late_31_60",
            days_past_due: 40,
          },
        ],
        [
          4,
          "account.charged_off",
          {
            account_kind: "micro_loan",
            period: "2026-10",
            status_before: "late_31_60",
            status: "charged_off",
            days_past_due: 0,
          },
        ],
      ],
    );
    for (const event of events) {
      assert.equal(event.consent_id, consent.id);
      assert.equal(event.lender_id, bank);
      assert.equal(event.source_furnisher_id, platform, "the furnisher is credited in the disclosure");
      const sent = JSON.stringify(event.data);
      assert.ok(
        !sent.includes(platform) && !sent.includes("H1"),
        "an alert names neither furnisher nor account",
      );
      assert.ok(!sent.includes(subject.toString("hex")));
    }
  });

  it("tells a lender nothing about its own accounts, and tells its rival", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("own account");
    const own = await subscribed(db, keyring, clock, bank, subject);
    const other = await subscribed(db, keyring, clock, rival, subject);
    await furnish(db, bank, clock.now(), {
      accounts: [{ ref: "O1", subject_key: subject, kind: "credit_card" }],
      statements: [{ ref: "O1", period: "2026-09", status: "late_61_90" }],
    });
    assert.deepEqual(await eventsOf(own.subscription_id), []);
    assert.deepEqual(
      (await eventsOf(other.subscription_id)).map((event) => event.type),
      ["account.opened_elsewhere", "delinquency.new"],
    );
  });

  it("alerts to a balance increase of more than 50% and at least 100,000 minor units, once per period", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("balances");
    const { subscription_id } = await subscribed(db, keyring, clock, bank, subject);
    const before = [
      ["B1", 100_000n, 199_999n],
      ["B2", 200_000n, 300_001n],
      ["B3", 200_000n, 300_000n],
      ["B4", 1_000_000n, 1_400_000n],
    ] as const;
    await furnish(db, platform, clock.now(), {
      accounts: before.map(([ref]) => ({ ref, subject_key: subject })),
      statements: before.map(([ref, balance_minor]) => ({ ref, period: "2026-08", balance_minor })),
    });
    await furnish(db, platform, clock.now(), {
      statements: before.map(([ref, , balance_minor]) => ({ ref, period: "2026-09", balance_minor })),
    });
    const restated = await furnish(db, platform, clock.now(), {
      statements: [{ ref: "B2", period: "2026-09", balance_minor: 310_000n }],
    });
    assert.equal(restated.events, 0, "a correction of an increase already reported is not a new one");
    const increases = (await eventsOf(subscription_id)).filter((event) => event.type === "balance.increased");
    assert.deepEqual(
      increases.map((event) => event.data),
      [
        {
          account_kind: "micro_loan",
          period: "2026-09",
          currency: "CNY",
          balance_before_minor: "200000",
          balance_minor: "300001",
        },
      ],
    );
  });

  it("reports a backfilled history once per kind of change, for its latest period", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("backfill");
    const { subscription_id } = await subscribed(db, keyring, clock, bank, subject);
    await furnish(db, platform, clock.now(), {
      accounts: [{ ref: "F1", subject_key: subject }],
      statements: [
        { ref: "F1", period: "2026-06", status: "late_1_30" },
        { ref: "F1", period: "2026-07", status: "current" },
        { ref: "F1", period: "2026-08", status: "late_1_30" },
      ],
    });
    const events = await eventsOf(subscription_id);
    assert.deepEqual(
      events.map((event) => [event.type, event.data.period ?? null]),
      [
        ["account.opened_elsewhere", null],
        ["delinquency.new", "2026-08"],
      ],
    );
  });

  it("writes no event once the consent is revoked or expired or the subscription cancelled", async () => {
    const { db } = backend();
    const revoked = syntheticSubjectKey("revoked");
    const expiring = syntheticSubjectKey("expiring");
    const cancelled = syntheticSubjectKey("cancelled");
    const a = await subscribed(db, keyring, clock, bank, revoked);
    await revokeConsent(db.kysely, a.consent.id, "subject", clock);
    const b = await subscribed(db, keyring, clock, bank, expiring);
    const c = await subscribed(db, keyring, clock, bank, cancelled);
    await cancelSubscription(db, bank, c.subscription_id, clock.now());
    const after_expiry = new Date(b.consent.expires_at.getTime() + 1);
    const result = await furnish(db, platform, after_expiry, {
      accounts: [revoked, expiring, cancelled].map((subject_key, i) => ({ ref: `E${i}`, subject_key })),
    });
    assert.equal(result.events, 0);
  });

  it("writes an event only if the submission commits, and a rollback leaves no gap in the sequence", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("rollback");
    const { subscription_id } = await subscribed(db, keyring, clock, bank, subject);
    await assert.rejects(
      furnish(db, platform, clock.now(), { accounts: [{ ref: "R1", subject_key: subject }] }, { fail: true }),
      /failed after recording/,
    );
    assert.deepEqual(await eventsOf(subscription_id), []);
    const [account] = await db.query("SELECT 1 FROM accounts WHERE account_ref = 'R1'");
    assert.equal(account, undefined, "the change rolled back with its event");
    await furnish(db, platform, clock.now(), { accounts: [{ ref: "R2", subject_key: subject }] });
    assert.deepEqual(
      (await eventsOf(subscription_id)).map((event) => event.sequence),
      [1],
    );
  });

  it("tells other subscribed lenders of a new inquiry, without saying who inquired", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("inquiry");
    const own = await subscribed(db, keyring, clock, bank, subject);
    const other = await subscribed(db, keyring, clock, rival, subject);
    const written = await db.transaction((tx) =>
      recordInquiryEvent(tx, { subject_key: subject, institution_id: rival, at: clock.now() }),
    );
    assert.equal(written, 1);
    assert.deepEqual(
      (await eventsOf(own.subscription_id)).map((event) => [event.type, event.data]),
      [["inquiry.new", {}]],
    );
    assert.deepEqual(await eventsOf(other.subscription_id), []);
  });

  it("tells every subscribed lender of a dispute, naming only the kind of item", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("dispute");
    const first = await subscribed(db, keyring, clock, bank, subject);
    const second = await subscribed(db, keyring, clock, rival, subject);
    const written = await db.transaction((tx) =>
      recordDisputeEvent(tx, {
        subject_key: subject,
        item: `statement:${platform}:D1:2026-09`,
        at: clock.now(),
      }),
    );
    assert.equal(written, 2);
    for (const { subscription_id } of [first, second]) {
      assert.deepEqual(
        (await eventsOf(subscription_id)).map((event) => [event.type, event.data]),
        [["dispute.opened", { item_type: "statement" }]],
      );
    }
  });

  it("sends no alert on a consent that does not cover credit accounts", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("alternative data only");
    const consent = await continuousConsent(db, keyring, clock, bank, subject, {
      categories: ["alternative_data"],
    });
    // Subscribing is refused (see the routes' tests); a row written behind the API's back still gets nothing.
    await db.query(
      `INSERT INTO feed_subscriptions (id, lender_id, consent_id, subject_key, created_at)
       VALUES ('fs_000000000000000000000001', $1, $2, $3, $4)`,
      [bank, consent.id, subject, clock.now()],
    );
    const written = await db.transaction((tx) =>
      recordInquiryEvent(tx, { subject_key: subject, institution_id: rival, at: clock.now() }),
    );
    assert.equal(written, 0);
  });
});
