// One webhook delivery attempt: POST the signed payload, wait at most the timeout, and report the outcome.
import type { Scheduler } from "./scheduler.ts";

/** The most response-body bytes read from a receiver before the rest is discarded unread. */
export const response_bytes_max = 64 * 1024;

export type SendResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly error: string };

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeout_ms: number;
}

async function discardBody(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    bytes += value.byteLength;
    if (bytes > response_bytes_max) {
      await reader.cancel();
      return;
    }
  }
}

/** Why a request failed, in words that name no data: the receiver's status, a timeout, or a socket error. */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  return code ? `connection failed (${code})` : "connection failed";
}

/**
 * Sends one attempt. Only a 2xx answer within the timeout acknowledges the event; redirects are not
 * followed, since the lender registered the URL it wants signed payloads sent to.
 */
export async function postWebhook(request: WebhookRequest, scheduler: Scheduler): Promise<SendResult> {
  const abort = new AbortController();
  const stopTimer = new AbortController();
  let timed_out = false;
  void scheduler.sleep(request.timeout_ms, stopTimer.signal).then(() => {
    if (stopTimer.signal.aborted) return;
    timed_out = true;
    abort.abort();
  });
  try {
    const response = await fetch(request.url, {
      method: "POST",
      body: request.body,
      headers: request.headers,
      redirect: "manual",
      signal: abort.signal,
    });
    await discardBody(response);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    if (timed_out) return { ok: false, error: `no answer within ${request.timeout_ms} ms` };
    return { ok: false, error: describeFailure(error) };
  } finally {
    // A reason of our own spares building an AbortError for every request that ends in time.
    stopTimer.abort("answered");
  }
}
