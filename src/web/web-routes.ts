// Serves the portals: the built single-page app in web/dist at `/`, every non-API path falling back to its
// index.html so that links into the app work, plus the small public and operator routes the portals need.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { RouteModule } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { metaRoutes } from "./meta-routes.ts";
import { subjectTokenRoutes } from "./subject-token-routes.ts";

/** Where `npm run build:web` writes the app. */
export const web_dist_dir = fileURLToPath(new URL("../../web/dist", import.meta.url));

// Paths the app never owns: an unknown one is the API's problem+json 404, not the app's page.
const api_prefixes = ["/v1/", "/.well-known/"];

const not_built_page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Credence</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Credence</h1>
<p>The portals have not been built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds
them first) and reload this page. The API is available under <a href="/docs">/docs</a>.</p>
</body></html>
`;

function isApiPath(url: string): boolean {
  return url === "/v1" || api_prefixes.some((prefix) => url.startsWith(prefix));
}

/** The portals' routes, serving the app built into `dist_dir`. */
export function webRoutesFrom(dist_dir: string): RouteModule {
  return async (app, ctx) => {
    await metaRoutes(app, ctx);
    await subjectTokenRoutes(app, ctx);
    const built = fs.existsSync(path.join(dist_dir, "index.html"));
    if (built) {
      // File names under assets/ carry a content hash, so browsers may keep them for good.
      await app.register(fastifyStatic, {
        root: path.join(dist_dir, "assets"),
        prefix: "/assets/",
        maxAge: "365d",
        immutable: true,
      });
    }
    app.get("/*", { schema: { hide: true } }, async (request, reply) => {
      if (isApiPath(request.url)) throw new ApiError("NOT_FOUND", `No route GET ${request.url}.`);
      if (!built) return reply.status(503).type("text/html; charset=utf-8").send(not_built_page);
      return reply.sendFile("index.html", dist_dir, { maxAge: 0, immutable: false });
    });
  };
}

export const webRoutes: RouteModule = webRoutesFrom(web_dist_dir);
