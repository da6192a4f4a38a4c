// The NATS JetStream channel: one stream, CREDENCE_ALERTS, a subject per lender, and the event id as the
// message id so the server drops a republished event. Used only when NATS_URL is set.
import assert from "node:assert/strict";
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { connect, type NatsConnection, nanos } from "@nats-io/transport-node";

export const alert_stream_name = "CREDENCE_ALERTS";
export const alert_subject_prefix = "credence.alerts";
/**
 * How long the server remembers message ids. A republish happens when the process stops between the
 * server's acknowledgement and the database commit, and comes back within a claim lease, well inside this.
 */
export const duplicate_window_ms = 60 * 60 * 1000;
/** How long the stream keeps alerts for lenders to read. */
export const stream_max_age_ms = 7 * 24 * 60 * 60 * 1000;
/** How long one publish waits for the server's acknowledgement. */
export const publish_timeout_ms = 5_000;

const lender_id_pattern = /^[a-z0-9][a-z0-9-]{1,62}$/;

export type NatsConnector = (options: { servers: string; name: string }) => Promise<NatsConnection>;

interface Session {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
}

export function alertSubject(lender_id: string): string {
  assert.match(lender_id, lender_id_pattern, "institution ids are valid subject tokens");
  return `${alert_subject_prefix}.${lender_id}`;
}

async function ensureStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(alert_stream_name);
    return;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
  }
  try {
    await jsm.streams.add({
      name: alert_stream_name,
      subjects: [`${alert_subject_prefix}.>`],
      duplicate_window: nanos(duplicate_window_ms),
      max_age: nanos(stream_max_age_ms),
    });
  } catch (error) {
    // Another process may have created the stream between the two calls; then it exists now.
    await jsm.streams.info(alert_stream_name).catch(() => {
      throw error;
    });
  }
}

/**
 * A publisher that keeps one connection. The client reconnects by itself after short outages; when it
 * gives up and closes, the next publish opens a new connection, so a restarted server is picked up again.
 */
export class AlertStream {
  readonly #servers: string;
  readonly #connect: NatsConnector;
  #pending: Promise<Session> | undefined;
  #live: Session | undefined;

  constructor(options: { servers: string; connect?: NatsConnector }) {
    this.#servers = options.servers;
    this.#connect = options.connect ?? ((connectOptions) => connect(connectOptions));
  }

  /** Publishes one alert and waits for the server to store it; `duplicate` when it held the id already. */
  async publish(lender_id: string, event_id: string, body: string): Promise<{ duplicate: boolean }> {
    const subject = alertSubject(lender_id);
    const { js } = await this.#open();
    const ack = await js.publish(subject, body, { msgID: event_id, timeout: publish_timeout_ms });
    return { duplicate: ack.duplicate };
  }

  async close(): Promise<void> {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#live = undefined;
    const session = await pending?.catch(() => undefined);
    await session?.nc.close();
  }

  #open(): Promise<Session> {
    if (this.#pending !== undefined && !this.#live?.nc.isClosed()) return this.#pending;
    this.#live = undefined;
    const pending = this.#start();
    this.#pending = pending;
    pending.then(
      (session) => {
        if (this.#pending === pending) this.#live = session;
      },
      () => {
        if (this.#pending === pending) this.#pending = undefined;
      },
    );
    return pending;
  }

  async #start(): Promise<Session> {
    const nc = await this.#connect({ servers: this.#servers, name: "credence-feed" });
    try {
      await ensureStream(nc);
    } catch (error) {
      await nc.close();
      throw error;
    }
    return { nc, js: jetstream(nc) };
  }
}
