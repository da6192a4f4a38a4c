// Turns an identifier given by a participant into the subject key, after validating it under the regime.
import type { Keyring } from "../config/keyring.ts";
import type { RegimeProfile } from "../config/regimes.ts";
import { ApiError } from "../http/errors.ts";
import { type IdentifierType, validateIdentifier } from "./national-id.ts";
import { subjectKey } from "./pseudonym.ts";

export interface SubjectIdentifier {
  readonly id_type: string;
  readonly id_number: string;
}

/** Validates and pseudonymises; the error names the field and the rule, never the identifier. */
export function resolveSubjectKey(
  keyring: Keyring,
  regime: RegimeProfile,
  identifier: SubjectIdentifier,
  now: Date,
  field = "subject",
): Buffer {
  if (!(regime.identifier_types as readonly string[]).includes(identifier.id_type)) {
    throw new ApiError(
      "IDENTIFIER_TYPE_NOT_IN_REGIME",
      `${field}.id_type must be one of ${regime.identifier_types.join(", ")} under regime ${regime.code}.`,
      { field: `${field}.id_type` },
    );
  }
  const result = validateIdentifier(identifier.id_type as IdentifierType, identifier.id_number, now);
  if (!result.ok) {
    throw new ApiError("IDENTIFIER_INVALID", `${field}.id_number: ${result.message}`, {
      field: `${field}.id_number`,
      rule: result.code,
    });
  }
  return subjectKey(keyring.pseudonym_key, identifier.id_type, result.normalised);
}
