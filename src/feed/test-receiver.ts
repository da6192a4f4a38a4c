// A lender's webhook receiver for tests: a real HTTP server on loopback that records what arrives and
// answers as the test says, including not at all, until released, and not listening.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { AlertPayload } from "./event-types.ts";

export interface ReceivedRequest {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly payload: AlertPayload;
  /** Answers a held request; a request that was answered already or abandoned ignores it. */
  respond(status: number): void;
}

/** A status to answer with, or "hold" to leave the request waiting until the test responds. */
export type Answer = number | "hold";

export class TestReceiver {
  readonly received: ReceivedRequest[] = [];
  /** How the receiver answers each request. */
  answer: Answer | ((payload: AlertPayload) => Answer) = 200;
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  #waiters: { count: number; resolve: () => void }[] = [];
  #port = 0;

  private constructor() {
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const payload = JSON.parse(body) as AlertPayload;
        const received: ReceivedRequest = {
          headers: request.headers,
          body,
          payload,
          respond: (status) => {
            if (!response.writableEnded && !response.destroyed) response.writeHead(status).end();
          },
        };
        this.received.push(received);
        const answer = typeof this.answer === "function" ? this.answer(payload) : this.answer;
        if (answer !== "hold") received.respond(answer);
        this.#notify();
      });
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<TestReceiver> {
    const receiver = new TestReceiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/alerts`;
  }

  /** Resolves once at least `count` requests have arrived in all. */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Ids of the events received, in arrival order, retries included. */
  ids(): string[] {
    return this.received.map((request) => request.payload.id);
  }

  /** Starts listening, on the same port as before when it was up already once. */
  async up(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#port, "127.0.0.1", () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every open connection, as a crashed receiver would. */
  async down(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #notify(): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (this.received.length >= waiter.count) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }
}
