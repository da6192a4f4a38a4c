// A small path router: the portal and its section are the first two path segments, kept in the History API so
// that links, reloads and the back button work (the server answers every non-API path with the app).
import { useEffect, useState } from "react";

const change_event = "credence:navigate";

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(change_event));
}

/** A query parameter of the current address, e.g. the consent a link preselects. */
export function queryParameter(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

export function usePath(): string[] {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener("popstate", update);
    window.addEventListener(change_event, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(change_event, update);
    };
  }, []);
  return path.split("/").filter(Boolean);
}
