// Consent artefacts and their lifecycle.
export { consentRoutes, subjectIdentifierSchema } from "./consent-routes.ts";
export {
  type Category,
  type ConsentRow,
  categories,
  checkConsent,
  consentStatus,
  consumeOneTimeConsent,
  findConsent,
  type Purpose,
  purposes,
} from "./consents.ts";
