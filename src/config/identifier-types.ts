// The identifier types a regime can key subjects by; the validators live in src/identity.
export const identifierTypeNames = ["cn_resident_id", "cn_uscc", "us_ssn"] as const;
export type IdentifierTypeName = (typeof identifierTypeNames)[number];
