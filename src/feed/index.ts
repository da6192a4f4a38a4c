// The feed's public surface: hooks other domains call inside their transactions, the routes, the
// dispatcher `credence serve` runs, and the signature check lenders' receivers use.
export { AlertStream, alert_stream_name, alertSubject } from "./alert-stream.ts";
export {
  createFeedDispatcher,
  type DispatchLimits,
  type DispatchReport,
  default_dispatch_limits,
  FeedDispatcher,
  type FeedDispatcherOptions,
} from "./dispatcher.ts";
export { type AlertPayload, type EventType, eventTypes } from "./event-types.ts";
export { feedRoutes } from "./feed-routes.ts";
export { recordFurnishingEvents } from "./furnishing-events.ts";
export { ManualScheduler, type Scheduler, systemScheduler } from "./scheduler.ts";
export { recordDisputeEvent, recordInquiryEvent } from "./subject-events.ts";
export { replay_window_s, signWebhook, verifyWebhookSignature } from "./webhook-signature.ts";
