import assert from "node:assert/strict";
import { after, afterEach, before, it } from "node:test";
import { defaultPriceBook, priceOf } from "../billing/price-book.ts";
import { ManualClock } from "../config/clock.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { regimes } from "../config/regimes.ts";
import { revokeConsent } from "../consent/consents.ts";
import { describeEachBackend } from "../db/testing.ts";
import { listDeadLetters, redeliverDeadLetter } from "./dead-letters.ts";
import { type DispatchLimits, default_dispatch_limits, FeedDispatcher } from "./dispatcher.ts";
import { ManualScheduler } from "./scheduler.ts";
import { recordInquiryEvent } from "./subject-events.ts";
import { listSubscriptions } from "./subscriptions.ts";
import { addInstitution, furnish, outboxEvents, subscribed, syntheticSubjectKey } from "./test-fixtures.ts";
import { TestReceiver } from "./test-receiver.ts";
import { verifyWebhookSignature } from "./webhook-signature.ts";
import { registerWebhook } from "./webhooks.ts";

describeEachBackend("feed dispatcher delivering to a real receiver", (backend) => {
  const clock = new ManualClock("2026-11-01T08:00:00Z");
  const keyring = ephemeralKeyring();
  const scheduler = new ManualScheduler();
  const platform = "pay-app";
  const bank = "bank-a";
  const inquirer = "bank-b";
  let receiver: TestReceiver;
  let secret: string;
  let subjects = 0;

  const dispatcher = (limits: Partial<DispatchLimits> = {}, random = () => 0.5) =>
    new FeedDispatcher({
      db: backend().db,
      keyring,
      clock,
      regime: regimes.cn,
      scheduler,
      random,
      limits,
    });

  /** A new subscribed subject with `count` inquiry alerts waiting for the bank. */
  async function alertsWaiting(count = 1) {
    const { db } = backend();
    const subject = syntheticSubjectKey(`dispatch ${subjects++}`);
    const subscription = await subscribed(db, keyring, clock, bank, subject);
    for (let i = 0; i < count; i++) {
      await db.transaction((tx) =>
        recordInquiryEvent(tx, { subject_key: subject, institution_id: inquirer, at: clock.now() }),
      );
    }
    const events = await outboxEvents(db, "subscription_id = $1", [subscription.subscription_id]);
    return { ...subscription, subject, events };
  }

  const disclosuresOf = (event_ids: readonly string[]) =>
    backend().db.query<{ entry_id: string; product: string; price_minor: bigint; furnishers: unknown }>(
      `SELECT q.entry_id, q.product, q.price_minor, q.furnishers FROM log_queue q
       JOIN feed_outbox o ON o.log_entry_id = q.entry_id WHERE o.id = ANY($1::uuid[])`,
      [event_ids],
    );

  const stateOf = async (id: string) =>
    (await outboxEvents(backend().db, "id = $1", [id]))[0] as Awaited<
      ReturnType<typeof outboxEvents>
    >[number];

  /** Moves the clock to when the event is next due. */
  async function advanceToDue(id: string): Promise<void> {
    const [row] = await backend().db.query<{ next_attempt_at: Date }>(
      "SELECT next_attempt_at FROM feed_outbox WHERE id = $1",
      [id],
    );
    assert.ok(row);
    const due = row.next_attempt_at.getTime();
    if (due > clock.now().getTime()) clock.set(new Date(due));
  }

  before(async () => {
    const { db } = backend();
    await addInstitution(db, clock, platform, ["furnisher"], "platform");
    await addInstitution(db, clock, bank, ["lender"], "bank");
    await addInstitution(db, clock, inquirer, ["lender"], "bank");
    receiver = await TestReceiver.start();
    secret = (await registerWebhook(db, keyring, bank, receiver.url, clock.now())).secret;
  });
  after(async () => {
    await receiver.down();
  });
  afterEach(async () => {
    // Each test leaves nothing pending, so the next one's claims see only its own events.
    await backend().db.query(
      "UPDATE feed_outbox SET state = 'dropped', finished_at = $1 WHERE state = 'pending'",
      [clock.now()],
    );
    receiver.answer = 200;
  });

  it("delivers a signed alert once acknowledged and discloses it as a billed alert", async () => {
    const { db } = backend();
    const subject = syntheticSubjectKey("signed");
    const { consent, subscription_id } = await subscribed(db, keyring, clock, bank, subject);
    await furnish(db, platform, clock.now(), { accounts: [{ ref: "S1", subject_key: subject }] });
    const [event] = await outboxEvents(db, "subscription_id = $1", [subscription_id]);
    const seen = receiver.received.length;

    const report = await dispatcher().runOnce();

    assert.deepEqual(report, { claimed: 1, delivered: 1, retried: 0, dead: 0, dropped: 0 });
    const request = receiver.received[seen];
    assert.ok(request && event);
    assert.deepEqual(request.payload, {
      id: event.id,
      type: "account.opened_elsewhere",
      time: clock.now().toISOString(),
      consent_id: consent.id,
      sequence: 1,
      data: { account_kind: "micro_loan", opened_on: "2025-01-15" },
    });
    assert.equal(request.headers["credence-event-id"], event.id);
    assert.equal(request.headers["credence-delivery-attempt"], "1");
    assert.deepEqual(
      verifyWebhookSignature({
        secret,
        header: request.headers["credence-signature"] as string,
        body: request.body,
        now: clock.now(),
      }).ok,
      true,
    );
    assert.ok(!request.body.includes(subject.toString("hex")) && !request.body.includes(platform));
    assert.equal((await stateOf(event.id)).state, "delivered");
    const price = priceOf(defaultPriceBook, "cn", "alert", "standard", clock.now());
    assert.deepEqual(
      (await disclosuresOf([event.id])).map((entry) => [
        entry.product,
        BigInt(entry.price_minor),
        entry.furnishers,
      ]),
      [["alert", price.price_minor, [{ institution: platform, records: 1 }]]],
    );
  });

  it("retries a receiver that answers 500 after the backoff, with the same event id", async () => {
    const { events } = await alertsWaiting();
    const id = events[0]?.id as string;
    const seen = receiver.received.length;
    receiver.answer = 500;
    const once = dispatcher();
    assert.equal((await once.runOnce()).retried, 1);
    receiver.answer = 200;
    // With no jitter offset (random 0.5), the first retry is due three quarters of the base delay later.
    const delay_ms = default_dispatch_limits.backoff.base_ms * 0.75;
    clock.advance(delay_ms - 1);
    assert.equal((await once.runOnce()).claimed, 0, "not before the backoff has passed");
    clock.advance(1);
    assert.equal((await once.runOnce()).delivered, 1);
    assert.deepEqual(receiver.ids().slice(seen), [id, id]);
    assert.deepEqual(
      receiver.received.slice(seen).map((request) => request.headers["credence-delivery-attempt"]),
      ["1", "2"],
    );
    assert.equal((await disclosuresOf([id])).length, 1, "disclosed once, on the acknowledgement");
  });

  it("gives up on a receiver that does not answer within the timeout, then retries", async () => {
    const { events } = await alertsWaiting();
    const id = events[0]?.id as string;
    const seen = receiver.received.length;
    receiver.answer = "hold";
    const once = dispatcher();
    const running = once.runOnce();
    await receiver.waitFor(seen + 1);
    assert.equal(scheduler.fireAll(), 1, "the request's timeout was the only wait");
    assert.equal((await running).retried, 1);
    const row = await backend().db.query<{ last_error: string }>(
      "SELECT last_error FROM feed_outbox WHERE id = $1",
      [id],
    );
    assert.equal(row[0]?.last_error, `no answer within ${default_dispatch_limits.request_timeout_ms} ms`);
    receiver.received[seen]?.respond(200);
    receiver.answer = 200;
    await advanceToDue(id);
    assert.equal((await once.runOnce()).delivered, 1);
    assert.equal((await stateOf(id)).state, "delivered");
  });

  it("waits for a receiver that answers slowly, within the timeout", async () => {
    const { events } = await alertsWaiting();
    const seen = receiver.received.length;
    receiver.answer = "hold";
    const running = dispatcher().runOnce();
    await receiver.waitFor(seen + 1);
    receiver.received[seen]?.respond(204);
    assert.deepEqual(await running, { claimed: 1, delivered: 1, retried: 0, dead: 0, dropped: 0 });
    assert.equal((await stateOf(events[0]?.id as string)).attempts, 1);
  });

  it("keeps an alert through an hour-long outage, even with the shortest jitter, and delivers it after", async () => {
    const { events } = await alertsWaiting();
    const id = events[0]?.id as string;
    const seen = receiver.received.length;
    const once = dispatcher({}, () => 0);
    await receiver.down();
    const outage_ends = clock.now().getTime() + 60 * 60 * 1000;
    let attempts = 0;
    while (clock.now().getTime() < outage_ends) {
      const report = await once.runOnce();
      attempts += report.claimed;
      assert.equal(report.delivered + report.dead, 0);
      await advanceToDue(id);
    }
    await receiver.up();
    await advanceToDue(id);
    assert.equal((await once.runOnce()).delivered, 1);
    assert.ok(
      attempts >= 9 && attempts < default_dispatch_limits.attempts_max,
      `${attempts} failed attempts`,
    );
    assert.deepEqual(receiver.ids().slice(seen), [id]);
  });

  it("dead-letters an alert after its last attempt without holding up later ones, and redelivers it on request", async () => {
    const { db } = backend();
    const { events } = await alertsWaiting(2);
    const [first, second] = events.map((event) => event.id) as [string, string];
    const seen = receiver.received.length;
    receiver.answer = (payload) => (payload.id === first ? 500 : 200);
    const once = dispatcher({ attempts_max: 2 });
    assert.equal((await once.runOnce()).retried, 1);
    await advanceToDue(first);
    assert.equal((await once.runOnce()).dead, 1);
    assert.equal((await disclosuresOf([first])).length, 0, "a dead letter was never disclosed");

    const [letter] = await listDeadLetters(db, bank, { limit: 10 });
    assert.equal(letter?.event.id, first);
    assert.equal(letter?.attempts, 2);
    assert.equal(letter?.last_error, "HTTP 500");
    assert.equal((await once.runOnce()).delivered, 1, "the next alert of the consent goes on");
    assert.deepEqual(receiver.ids().slice(seen), [first, first, second]);

    receiver.answer = 200;
    await redeliverDeadLetter(db, bank, first, clock.now());
    assert.deepEqual(await listDeadLetters(db, bank, { limit: 10 }), []);
    assert.equal((await once.runOnce()).delivered, 1);
    assert.deepEqual(receiver.ids().slice(seen), [first, first, second, first]);
    assert.equal((await disclosuresOf([first, second])).length, 2);
  });

  it("delivers a consent's alerts in order, each after the previous one is acknowledged, and others meanwhile", async () => {
    const a = await alertsWaiting(2);
    const b = await alertsWaiting(1);
    const [a1, a2] = a.events.map((event) => event.id) as [string, string];
    const b1 = b.events[0]?.id as string;
    const seen = receiver.received.length;
    receiver.answer = (payload) => (payload.id === a1 ? 500 : 200);
    const once = dispatcher();
    const first = await once.runOnce();
    assert.deepEqual(
      [first.claimed, first.delivered, first.retried],
      [2, 1, 1],
      "a1 failed, b1 went through",
    );
    assert.equal((await once.runOnce()).claimed, 0, "a2 waits for a1");
    receiver.answer = 200;
    await advanceToDue(a1);
    assert.equal((await once.runOnce()).delivered, 1);
    assert.equal((await once.runOnce()).delivered, 1);
    const arrivals = receiver.received.slice(seen).map((request) => request.payload);
    assert.deepEqual(
      arrivals
        .filter((payload) => payload.consent_id === a.consent.id)
        .map((payload) => [payload.id, payload.sequence]),
      [
        [a1, 1],
        [a1, 1],
        [a2, 2],
      ],
    );
    assert.ok(arrivals.some((payload) => payload.id === b1));
  });

  it("sends an alert again, with its id, when the dispatcher died between sending it and recording the answer", async () => {
    const { events } = await alertsWaiting();
    const id = events[0]?.id as string;
    const seen = receiver.received.length;
    receiver.answer = "hold";
    const dying = dispatcher().runOnce();
    await receiver.waitFor(seen + 1);
    // The first dispatcher never hears back; once its claim has lapsed, a new one over the same database
    // takes the event.
    receiver.answer = 200;
    clock.advance(default_dispatch_limits.lease_ms);
    const successor = dispatcher();
    assert.equal((await successor.runOnce()).delivered, 1);
    assert.deepEqual(receiver.ids().slice(seen), [id, id], "at least once, with the same id");
    // Had the first dispatcher survived after all, its acknowledgement would disclose nothing more.
    receiver.received[seen]?.respond(200);
    await dying;
    assert.equal((await disclosuresOf([id])).length, 1);
    assert.equal((await stateOf(id)).state, "delivered");
  });

  it("sends nothing once the consent is revoked between the alert and its delivery, and ends the subscription", async () => {
    const { db } = backend();
    const { consent, events } = await alertsWaiting(2);
    const seen = receiver.received.length;
    await revokeConsent(db.kysely, consent.id, "subject", clock);
    const report = await dispatcher().runOnce();
    assert.deepEqual([report.claimed, report.dropped, report.delivered], [1, 1, 0]);
    assert.equal(receiver.received.length, seen);
    for (const event of events) assert.equal((await stateOf(event.id)).state, "dropped");
    assert.equal((await disclosuresOf(events.map((event) => event.id))).length, 0);
    const listed = await listSubscriptions(db, bank, { limit: 500 }, clock.now());
    const subscription = listed.find((item) => item.consent_id === consent.id);
    assert.deepEqual([subscription?.status, subscription?.end_reason], ["ended", "consent_revoked"]);
  });

  it("runs on its own once started, and stops after its current batch", async () => {
    const seen = receiver.received.length;
    const running = dispatcher();
    running.start();
    await scheduler.sleeping();
    const { events } = await alertsWaiting();
    scheduler.fireAll();
    await receiver.waitFor(seen + 1);
    await running.stop();
    assert.equal((await stateOf(events[0]?.id as string)).state, "delivered");
    assert.equal(scheduler.waiting, 0, "stopping ended every wait");
  });

  it("reports a failed batch and tries again after a pause", async () => {
    const { db } = backend();
    const errors: string[] = [];
    let failures = 1;
    const flaky: typeof db = {
      ...db,
      transaction: (body) =>
        failures-- > 0 ? Promise.reject(new Error("connection lost")) : db.transaction(body),
    };
    const running = new FeedDispatcher({
      db: flaky,
      keyring,
      clock,
      regime: regimes.cn,
      scheduler,
      limits: { workers: 1 },
      on_error: (error) => errors.push((error as Error).message),
    });
    const { events } = await alertsWaiting();
    const seen = receiver.received.length;
    running.start();
    await scheduler.sleeping();
    assert.deepEqual(errors, ["connection lost"]);
    assert.equal(receiver.received.length, seen);
    scheduler.fireAll();
    await receiver.waitFor(seen + 1);
    await running.stop();
    assert.equal((await stateOf(events[0]?.id as string)).state, "delivered");
  });

  it("deletes finished alerts once they are older than the retention", async () => {
    const { events } = await alertsWaiting();
    const id = events[0]?.id as string;
    await dispatcher().runOnce();
    clock.advanceDays(default_dispatch_limits.outbox_retention_days - 1);
    await dispatcher().runOnce();
    assert.equal((await outboxEvents(backend().db, "id = $1", [id])).length, 1);
    clock.advanceDays(2);
    await dispatcher().runOnce();
    assert.deepEqual(await outboxEvents(backend().db, "id = $1", [id]), []);
  });
});
