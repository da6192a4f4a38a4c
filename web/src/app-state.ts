// What every page may read: the server's regime facts, who is signed in and which portals that opens.
import { createContext, useContext } from "react";
import type { Me, Meta, Role } from "./api/types.ts";

export type PortalId = "furnisher" | "lender" | "personal" | "regulator" | "operator";

export interface Session {
  readonly me: Me;
  readonly portals: readonly PortalId[];
}

export interface AppState {
  readonly meta: Meta;
  readonly session: Session;
  signIn(credential: string): Promise<void>;
  signOut(): void;
}

export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error("useAppState outside the signed-in app");
  return state;
}

const portal_of_role: Record<Role, readonly PortalId[]> = {
  furnisher: ["furnisher"],
  lender: ["lender"],
  regulator: ["regulator"],
  // The operator issues personal tokens and may read the oversight figures the regulator reads.
  bureau: ["operator", "regulator"],
};

/** The portals a credential opens, in the order of its roles: a bank that also furnishes lands on lending. */
export function portalsOf(me: Me): PortalId[] {
  if (me.kind === "subject") return ["personal"];
  return [...new Set(me.key_roles.flatMap((role) => portal_of_role[role]))];
}

/** The signed-in institution's id; institution portals only render for institution credentials. */
export function useInstitutionId(): string {
  const { session } = useAppState();
  if (session.me.kind !== "institution") throw new Error("an institution portal rendered for a person");
  return session.me.institution.id;
}
