// `credence institution add|list` and `credence key create|revoke`, on the local store or a running server.

import {
  createApiKey,
  createInstitution,
  institutionKinds,
  listInstitutions,
  type Role,
  revokeApiKey,
  roles,
} from "../institutions/index.ts";
import { getInstitution, type Institution } from "../institutions/institutions.ts";
import { type Io, parse, printData, printHelp, remote, UsageError, withLocal } from "./cli-kit.ts";

export const institutionHelp = `Usage:
  credence institution add --id ID --name NAME --legal-id LEGAL --roles furnisher,lender --kind platform [--stake-bp 2500] [--json]
  credence institution list [--json]
Options common to all: --server URL --key KEY to act through a running server instead of the local store.
Roles: ${roles.join(", ")}. Kinds: ${institutionKinds.join(", ")}.`;

export const keyHelp = `Usage:
  credence key create --institution ID [--roles lender] [--label TEXT] [--json]   (the key is printed once)
  credence key revoke KEY_ID [--json]
Options common to all: --server URL --key KEY to act through a running server instead of the local store.`;

const remoteOptions = {
  server: { type: "string" },
  key: { type: "string" },
  json: { type: "boolean" },
} as const;

function parseRoles(text: string | undefined): Role[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(",").map((role) => role.trim());
  for (const role of list) {
    if (!(roles as readonly string[]).includes(role))
      throw new UsageError(`unknown role ${role}; roles are ${roles.join(", ")}`);
  }
  return list as Role[];
}

function viaServer(values: { server?: string | undefined; key?: string | undefined }) {
  if (values.server === undefined) return undefined;
  if (!values.key) throw new UsageError("--server needs --key KEY");
  return remote(values.server, values.key);
}

function describeInstitution(institution: Institution): string {
  const stake = institution.stake_bp ? ` stake ${(institution.stake_bp / 100).toFixed(2)}%` : "";
  const removed = institution.removed_at ? " (removed)" : "";
  return `${institution.id.padEnd(16)} ${institution.kind.padEnd(12)} ${institution.roles.join("+").padEnd(18)} ${institution.name}${stake}${removed}`;
}

export async function institutionCommand(argv: string[], io: Io): Promise<number> {
  const [action, ...rest] = argv;
  if (action === "list") {
    const { values } = parse(rest, remoteOptions);
    if (values.help) return printHelp(io, institutionHelp);
    const client = viaServer(values);
    const items = client
      ? (await client<{ items: Institution[] }>("GET", "/v1/institutions")).items
      : await withLocal((ctx) => listInstitutions(ctx.db.kysely));
    printData(
      io,
      Boolean(values.json),
      items,
      () => items.map(describeInstitution).join("\n") || "no institutions",
    );
    return 0;
  }
  if (action === "add") {
    const { values } = parse(rest, {
      ...remoteOptions,
      id: { type: "string" },
      name: { type: "string" },
      "legal-id": { type: "string" },
      roles: { type: "string" },
      kind: { type: "string" },
      "stake-bp": { type: "string" },
    });
    if (values.help) return printHelp(io, institutionHelp);
    for (const required of ["id", "name", "legal-id", "roles", "kind"] as const) {
      if (!values[required]) throw new UsageError(`institution add needs --${required}`);
    }
    if (!(institutionKinds as readonly string[]).includes(values.kind as string)) {
      throw new UsageError(`unknown kind ${values.kind}; kinds are ${institutionKinds.join(", ")}`);
    }
    const stake = values["stake-bp"] === undefined ? undefined : Number(values["stake-bp"]);
    const input = {
      id: values.id as string,
      name: values.name as string,
      legal_id: values["legal-id"] as string,
      roles: parseRoles(values.roles) as Role[],
      kind: values.kind as Institution["kind"],
      stake_bp: stake,
    };
    const client = viaServer(values);
    const created = client
      ? await client<Institution>("POST", "/v1/institutions", input)
      : await withLocal((ctx) => createInstitution(ctx.db.kysely, input, ctx.clock));
    printData(io, Boolean(values.json), created, () => `added ${describeInstitution(created)}`);
    return 0;
  }
  io.stdout(institutionHelp);
  return action === undefined || action === "--help" || action === "-h" ? 0 : 2;
}

export async function keyCommand(argv: string[], io: Io): Promise<number> {
  const [action, ...rest] = argv;
  if (action === "create") {
    const { values } = parse(rest, {
      ...remoteOptions,
      institution: { type: "string" },
      roles: { type: "string" },
      label: { type: "string" },
    });
    if (values.help) return printHelp(io, keyHelp);
    if (!values.institution) throw new UsageError("key create needs --institution ID");
    const input = { roles: parseRoles(values.roles), label: values.label };
    const client = viaServer(values);
    const created = client
      ? await client<{ id: string; token: string; roles: string[] }>(
          "POST",
          `/v1/institutions/${values.institution}/keys`,
          input,
        )
      : await withLocal(async (ctx) => {
          await getInstitution(ctx.db.kysely, values.institution as string);
          return createApiKey(
            ctx.db.kysely,
            { institution_id: values.institution as string, ...input },
            ctx.clock,
          );
        });
    printData(io, Boolean(values.json), created, () =>
      [
        `key ${created.id} for ${values.institution} (${created.roles.join("+")}); it is shown only now:`,
        created.token,
      ].join("\n"),
    );
    return 0;
  }
  if (action === "revoke") {
    const { values, positionals } = parse(rest, remoteOptions, true);
    if (values.help) return printHelp(io, keyHelp);
    const id = positionals[0];
    if (!id || positionals.length !== 1) throw new UsageError("key revoke needs exactly one KEY_ID");
    const client = viaServer(values);
    const revoked = client
      ? await client<{ id: string }>("DELETE", `/v1/keys/${id}`)
      : await withLocal((ctx) => revokeApiKey(ctx.db.kysely, id, ctx.clock));
    printData(io, Boolean(values.json), revoked, () => `revoked key ${revoked.id}`);
    return 0;
  }
  io.stdout(keyHelp);
  return action === undefined || action === "--help" || action === "-h" ? 0 : 2;
}
