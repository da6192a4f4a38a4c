// Consent artefacts and their lifecycle.
export { consentRoutes, subjectIdentifierSchema } from "./consent-routes.ts";
export {
  type Category,
  type ConsentRow,
  categories,
  checkConsent,
  consentStatus,
  findConsent,
  type Purpose,
  purposes,
  useOneTimeConsent,
} from "./consents.ts";
