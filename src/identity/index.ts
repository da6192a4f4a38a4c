// Identity: national-ID validation, keyed pseudonyms, the personal-data vault and the bureau's signing key.
export { type BureauKey, bureauKey } from "./bureau-key.ts";
export {
  type IdentifierResult,
  type IdentifierType,
  identifierTypes,
  validateIdentifier,
} from "./national-id.ts";
export { subjectKey, subjectKeyHex } from "./pseudonym.ts";
export { resolveSubjectKey, type SubjectIdentifier } from "./subject-identity.ts";
export {
  decryptPersonalData,
  encryptPersonalData,
  getPersonalData,
  maskIdentifier,
  maskName,
  type PersonalData,
  putPersonalData,
  shredPersonalData,
} from "./vault.ts";
