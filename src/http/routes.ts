// Every domain's routes, in the order they are registered.

import { institutionRoutes } from "../institutions/institution-routes.ts";
import type { RouteModule } from "./context.ts";

export const allRoutes: readonly RouteModule[] = [institutionRoutes];
