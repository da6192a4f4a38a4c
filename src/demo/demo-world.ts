// Loads the demo world into an empty exchange and hands out one key per institution for the tour.
import type { AppContext } from "../http/context.ts";
import { createApiKey, createInstitution, listInstitutions } from "../institutions/institutions.ts";
import { demoInstitutions } from "./demo-institutions.ts";
import { loadPopulation } from "./population.ts";

export interface DemoKey {
  readonly institution_id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly token: string;
}

export interface DemoWorld {
  readonly keys: DemoKey[];
  /** Submissions of the synthetic population, one per furnisher. */
  readonly submissions?: {
    furnisher_id: string;
    status: string;
    lines_accepted: number;
    lines_rejected: number;
  }[];
}

export async function isEmptyExchange(ctx: AppContext): Promise<boolean> {
  return (await listInstitutions(ctx.db.kysely)).length === 0;
}

/** The seed of the demo population; fixed so every fresh clone shows the same world. */
export const demo_seed = 1;

export async function loadDemoWorld(ctx: AppContext, people = ctx.config.demo_people): Promise<DemoWorld> {
  const keys: DemoKey[] = [];
  for (const institution of demoInstitutions) {
    await createInstitution(ctx.db.kysely, institution, ctx.clock);
    const key = await createApiKey(
      ctx.db.kysely,
      { institution_id: institution.id, label: "demo" },
      ctx.clock,
    );
    keys.push({
      institution_id: institution.id,
      name: institution.name,
      roles: institution.roles,
      token: key.token,
    });
  }
  return { keys };
}

export function describeDemoKeys(world: DemoWorld): string {
  const lines = ["Demo keys (shown once; keep them for the tour):"];
  for (const key of world.keys) {
    lines.push(`  ${key.institution_id.padEnd(14)} ${key.roles.join("+").padEnd(18)} ${key.token}`);
  }
  return lines.join("\n");
}
