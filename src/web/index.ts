// The portals' public surface: the route module that serves the web app and the routes it relies on.
export { metaRoutes } from "./meta-routes.ts";
export {
  subject_token_days_default,
  subject_token_days_max,
  subjectTokenRoutes,
} from "./subject-token-routes.ts";
export { web_dist_dir, webRoutes, webRoutesFrom } from "./web-routes.ts";
