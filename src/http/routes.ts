// Every domain's routes, in the order they are registered.

import { billingRoutes } from "../billing/billing-routes.ts";
import { consentRoutes } from "../consent/consent-routes.ts";
import { logRoutes } from "../disclosure-log/log-routes.ts";
import { feedRoutes } from "../feed/index.ts";
import { furnishingRoutes } from "../furnishing/furnishing-routes.ts";
import { institutionRoutes } from "../institutions/institution-routes.ts";
import { oversightRoutes } from "../oversight/oversight-routes.ts";
import { reportRoutes } from "../reports/report-routes.ts";
import { modelRoutes, scoreProvider } from "../scoring/index.ts";
import { reportAnnotationSource, subjectRightsRoutes } from "../subject-rights/index.ts";
import { webRoutes } from "../web/index.ts";
import type { RouteModule } from "./context.ts";

export const allRoutes: readonly RouteModule[] = [
  institutionRoutes,
  furnishingRoutes,
  consentRoutes,
  reportRoutes({
    score: scoreProvider,
    annotations: reportAnnotationSource,
  }),
  subjectRightsRoutes,
  oversightRoutes,
  feedRoutes,
  logRoutes,
  billingRoutes,
  modelRoutes,
  webRoutes,
];
