// The error catalogue: every code a client can see, its HTTP status and title. Codes never change meaning.
export const errorCatalogue = {
  // Request shape
  MALFORMED_JSON: { status: 400, title: "The request body is not valid JSON" },
  MALFORMED_ID: { status: 400, title: "An identifier in the path or query is malformed" },
  BAD_QUERY: { status: 400, title: "A query parameter is out of range" },
  VALIDATION_FAILED: { status: 422, title: "The request does not match the schema" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is larger than allowed" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "The content type is not accepted here" },
  NOT_FOUND: { status: 404, title: "No such resource" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  CONFLICT: { status: 409, title: "The request conflicts with the current state" },
  IDEMPOTENCY_KEY_REUSED: { status: 409, title: "The idempotency key was used with a different request" },
  // Authentication and authorisation
  AUTH_MISSING: { status: 401, title: "An Authorization: Bearer credential is required" },
  AUTH_INVALID: { status: 401, title: "The credential is unknown" },
  AUTH_REVOKED: { status: 401, title: "The credential has been revoked" },
  AUTH_EXPIRED: { status: 401, title: "The credential has expired" },
  ROLE_FORBIDDEN: { status: 403, title: "The credential's roles do not allow this" },
  SUBJECT_FORBIDDEN: { status: 403, title: "A personal token may act only for its own subject" },
  INSTITUTION_FORBIDDEN: { status: 403, title: "An institution may act only on its own resources" },
  RATE_LIMITED: { status: 429, title: "Too many requests; retry after the given time" },
  QUOTA_EXCEEDED: { status: 429, title: "The daily query quota is used up" },
  // Institutions
  INSTITUTION_EXISTS: { status: 409, title: "An institution with this id or legal identifier exists" },
  INSTITUTION_UNKNOWN: { status: 404, title: "No such institution" },
  INSTITUTION_REMOVED: { status: 409, title: "The institution has been removed from the exchange" },
  ROLE_NOT_HELD: { status: 422, title: "A key may carry only roles its institution holds" },
  KEY_UNKNOWN: { status: 404, title: "No such API key" },
  STAKE_INVALID: {
    status: 422,
    title: "Ownership stakes must be between 0.01% and 100% and sum to at most 100%",
  },
  // Identity
  IDENTIFIER_INVALID: { status: 422, title: "The identifier fails validation" },
  IDENTIFIER_TYPE_NOT_IN_REGIME: {
    status: 422,
    title: "This regime does not key subjects by that identifier type",
  },
  SUBJECT_UNKNOWN: { status: 404, title: "The bureau holds no record of this subject" },
  // Server
  SERVICE_UNAVAILABLE: { status: 503, title: "A dependency is unavailable" },
  INTERNAL: { status: 500, title: "Internal error; the request id identifies it in the logs" },
} as const satisfies Record<string, { status: number; title: string }>;

export type CatalogueCode = keyof typeof errorCatalogue;

/** Domains register their own codes here at import time, so the HTTP layer knows their statuses. */
const registered = new Map<string, { status: number; title: string }>(Object.entries(errorCatalogue));

export function registerErrorCodes(codes: Record<string, { status: number; title: string }>): void {
  for (const [code, entry] of Object.entries(codes)) {
    const existing = registered.get(code);
    if (existing && existing.status !== entry.status) {
      throw new Error(`error code ${code} registered twice with different statuses`);
    }
    registered.set(code, entry);
  }
}

export function lookupErrorCode(code: string): { status: number; title: string } | undefined {
  return registered.get(code);
}

export function allErrorCodes(): ReadonlyMap<string, { status: number; title: string }> {
  return registered;
}

/** The one error type the HTTP layer renders as RFC 9457 problem+json. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly extensions: Record<string, unknown>;
  constructor(code: CatalogueCode | (string & {}), detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.name = "ApiError";
    this.code = code;
    this.status = lookupErrorCode(code)?.status ?? 422;
    this.extensions = extensions;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  request_id?: string;
  [extension: string]: unknown;
}

export function problemOf(code: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
  const entry = lookupErrorCode(code) ?? errorCatalogue.INTERNAL;
  return {
    type: `https://credence.example/problems/${code.toLowerCase().replace(/_/g, "-")}`,
    title: entry.title,
    status: entry.status,
    code,
    detail,
    ...extensions,
  };
}
