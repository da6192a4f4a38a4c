import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { ManualClock } from "../config/clock.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { regimes } from "../config/regimes.ts";
import { describeEachBackend } from "../db/testing.ts";
import { AlertStream, alert_stream_name, alertSubject } from "./alert-stream.ts";
import { FeedDispatcher } from "./dispatcher.ts";
import { ManualScheduler } from "./scheduler.ts";
import { recordInquiryEvent } from "./subject-events.ts";
import { addInstitution, outboxEvents, subscribed, syntheticSubjectKey } from "./test-fixtures.ts";
import { TestReceiver } from "./test-receiver.ts";
import { registerWebhook } from "./webhooks.ts";

const nats_url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const reachable = await connect({ servers: nats_url, timeout: 2_000, reconnect: false }).then(
  async (nc) => {
    await nc.close();
    return true;
  },
  () => false,
);
const skip = reachable ? false : `no NATS server at ${nats_url}`;

/** Lender ids unique to this run: the stream is shared with every other run on the same server. */
const lenderId = (label: string) => `${label}-${randomBytes(5).toString("hex")}`;

async function storedCount(nc: NatsConnection, lender_id: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(alert_stream_name, { subjects_filter: alertSubject(lender_id) });
  return info.state.subjects?.[alertSubject(lender_id)] ?? 0;
}

async function lastStored(nc: NatsConnection, lender_id: string) {
  const jsm = await jetstreamManager(nc);
  const message = await jsm.streams.getMessage(alert_stream_name, { last_by_subj: alertSubject(lender_id) });
  assert.ok(message);
  return { msg_id: message.header.get("Nats-Msg-Id"), body: new TextDecoder().decode(message.data) };
}

describe("the JetStream channel", { skip }, () => {
  let reader: NatsConnection;
  before(async () => {
    reader = await connect({ servers: nats_url });
  });
  after(async () => {
    await reader.close();
  });

  it("publishes to credence.alerts.<lender> with the event id as Nats-Msg-Id, and the server drops a republish", async () => {
    const stream = new AlertStream({ servers: nats_url });
    const lender = lenderId("stream");
    const id = randomUUID();
    const body = JSON.stringify({ id, type: "inquiry.new" });
    try {
      assert.deepEqual(await stream.publish(lender, id, body), { duplicate: false });
      assert.deepEqual(await stream.publish(lender, id, body), { duplicate: true });
    } finally {
      await stream.close();
    }
    assert.deepEqual(await lastStored(reader, lender), { msg_id: id, body });
    assert.equal(await storedCount(reader, lender), 1);
  });

  it("opens a new connection when the old one was closed, and still recognises a republished id", async () => {
    const opened: NatsConnection[] = [];
    const stream = new AlertStream({
      servers: nats_url,
      connect: async (options) => {
        const nc = await connect(options);
        opened.push(nc);
        return nc;
      },
    });
    const lender = lenderId("reconnect");
    const first = randomUUID();
    try {
      await stream.publish(lender, first, "{}");
      // The client closes a connection for good after it gives up reconnecting; this does the same.
      await opened[0]?.close();
      assert.deepEqual(await stream.publish(lender, randomUUID(), "{}"), { duplicate: false });
      assert.deepEqual(await stream.publish(lender, first, "{}"), { duplicate: true });
    } finally {
      await stream.close();
    }
    assert.equal(opened.length, 2);
    assert.equal(await storedCount(reader, lender), 2);
  });
});

describeEachBackend("feed dispatcher with JetStream", (backend) => {
  const clock = new ManualClock("2026-11-01T08:00:00Z");
  const keyring = ephemeralKeyring();
  const scheduler = new ManualScheduler();
  const streamOnly = lenderId("stream-only");
  const both = lenderId("both");
  const inquirer = lenderId("inquirer");
  let reader: NatsConnection;
  let receiver: TestReceiver;

  const dispatcher = () =>
    new FeedDispatcher({
      db: backend().db,
      keyring,
      clock,
      regime: regimes.cn,
      scheduler,
      random: () => 0.5,
      stream: new AlertStream({ servers: nats_url }),
    });

  async function alertFor(lender_id: string) {
    const { db } = backend();
    const subject = syntheticSubjectKey(lender_id);
    const { subscription_id } = await subscribed(db, keyring, clock, lender_id, subject);
    await db.transaction((tx) =>
      recordInquiryEvent(tx, { subject_key: subject, institution_id: inquirer, at: clock.now() }),
    );
    const [event] = await outboxEvents(db, "subscription_id = $1", [subscription_id]);
    assert.ok(event);
    return event;
  }

  before(async () => {
    if (skip) return;
    const { db } = backend();
    for (const id of [streamOnly, both, inquirer]) await addInstitution(db, clock, id, ["lender"], "bank");
    reader = await connect({ servers: nats_url });
    receiver = await TestReceiver.start();
    await registerWebhook(db, keyring, both, receiver.url, clock.now());
  });
  after(async () => {
    if (skip) return;
    await reader.close();
    await receiver.down();
  });

  it("delivers to a lender that reads only the stream, and discloses the alert", { skip }, async () => {
    const event = await alertFor(streamOnly);
    const running = dispatcher();
    try {
      assert.equal((await running.runOnce()).delivered, 1);
    } finally {
      await running.stop();
    }
    const stored = await lastStored(reader, streamOnly);
    assert.equal(stored.msg_id, event.id);
    assert.equal((JSON.parse(stored.body) as { id: string }).id, event.id);
    const [row] = await backend().db.query<{ state: string; log_entry_id: string | null }>(
      "SELECT state, log_entry_id FROM feed_outbox WHERE id = $1",
      [event.id],
    );
    assert.equal(row?.state, "delivered");
    assert.ok(row?.log_entry_id);
  });

  it("waits for the webhook too, retrying only the channel that failed", { skip }, async () => {
    const event = await alertFor(both);
    const running = dispatcher();
    try {
      receiver.answer = 500;
      assert.equal((await running.runOnce()).retried, 1);
      receiver.answer = 200;
      clock.advance(60 * 60 * 1000);
      assert.equal((await running.runOnce()).delivered, 1);
    } finally {
      await running.stop();
    }
    assert.equal(await storedCount(reader, both), 1, "the stream acknowledged the first attempt already");
    assert.deepEqual(receiver.ids(), [event.id, event.id]);
  });
});
