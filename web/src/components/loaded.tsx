// Renders a loaded resource: a notice while it loads, the problem if it failed, the content once it arrived (and
// the previous content while it reloads).
import type { ReactNode } from "react";
import type { Loaded } from "../api/use-api.ts";
import { Loading } from "./loading.tsx";
import { ProblemNotice } from "./problem-notice.tsx";

export function LoadedView<T>(props: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { data, error, reload } = props.loaded;
  if (error) return <ProblemNotice error={error} onRetry={reload} />;
  if (data === undefined) return <Loading />;
  return <>{props.children(data)}</>;
}
