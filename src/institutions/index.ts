// Institutions: participants, roles, ownership stakes and credentials.
export { mintCredential, parseCredential } from "./credentials.ts";
export { institutionRoutes } from "./institution-routes.ts";
export {
  authenticate,
  createApiKey,
  createInstitution,
  declareStake,
  findInstitution,
  getInstitution,
  type Institution,
  type InstitutionKind,
  institutionKinds,
  issueSubjectToken,
  listApiKeys,
  listInstitutions,
  type NewInstitution,
  type Principal,
  type Role,
  removeInstitution,
  revokeApiKey,
  roles,
} from "./institutions.ts";
