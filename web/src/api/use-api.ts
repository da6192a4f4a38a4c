// A React hook that loads one API resource, reloads it on demand and drops answers that arrive too late.
import { useCallback, useEffect, useState } from "react";
import { apiJson } from "./client.ts";

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** Loads `path` (nothing while it is null) and again whenever it changes or reload() is called. */
export function useApi<T>(
  path: string | null,
  load: (path: string, signal: AbortSignal) => Promise<T> = apiJsonAt,
): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is a fixed function per call site; `generation` forces a reload.
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    setError(undefined);
    load(path, controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, loading, reload };
}

function apiJsonAt<T>(path: string, signal: AbortSignal): Promise<T> {
  return apiJson<T>(path, { signal });
}
