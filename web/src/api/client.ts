// The portals' HTTP client: relative /v1 calls with the session's bearer credential; problem+json answers become
// ApiProblem errors carrying the stable code.
import { storedCredential } from "./session.ts";

export class ApiProblem extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.detail === "string" ? body.detail : `HTTP ${status}`);
    this.name = "ApiProblem";
    this.status = status;
    this.code = typeof body.code === "string" ? body.code : "HTTP_ERROR";
    this.title = typeof body.title === "string" ? body.title : `HTTP ${status}`;
    this.body = body;
  }
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  /** Overrides the session's credential, e.g. to check a key before keeping it. */
  readonly credential?: string;
  readonly signal?: AbortSignal;
}

function headersFor(options: RequestOptions, json: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const credential = options.credential ?? storedCredential();
  if (credential) headers.authorization = `Bearer ${credential}`;
  if (json) headers["content-type"] = "application/json";
  return headers;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const json = options.body !== undefined;
  const response = await fetch(path, {
    method: options.method ?? (json ? "POST" : "GET"),
    headers: headersFor(options, json),
    body: json ? JSON.stringify(options.body) : undefined,
    signal: options.signal,
  });
  if (!response.ok) {
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { detail: text.slice(0, 200) };
    }
    throw new ApiProblem(response.status, body);
  }
  return response;
}

/** A JSON call; resolves to undefined for 204 answers. */
export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A call answered with plain text (signed notes, CSV). */
export async function apiText(path: string, options: RequestOptions = {}): Promise<string> {
  return (await send(path, options)).text();
}

/**
 * A call answered with NDJSON: the first `lines_max` objects, read as they stream in; the rest of the answer is
 * not downloaded. `complete` says whether every line was read.
 */
export async function apiNdjson<T>(
  path: string,
  lines_max: number,
  options: RequestOptions = {},
): Promise<{ items: T[]; complete: boolean }> {
  const response = await send(path, options);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const items: T[] = [];
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read();
    const lines = (pending + decoder.decode(value, { stream: !done })).split("\n");
    pending = done ? "" : (lines.pop() ?? "");
    for (const line of lines) {
      if (line.trim() === "") continue;
      if (items.length === lines_max) {
        await reader.cancel();
        return { items, complete: false };
      }
      items.push(JSON.parse(line) as T);
    }
    if (done) return { items, complete: true };
  }
}

/** Saves a text answer (a CSV statement) as a file, which a plain link cannot do with a bearer credential. */
export async function downloadText(path: string, filename: string): Promise<void> {
  const response = await send(path, {});
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}
