// Uploads a furnishing file with XMLHttpRequest, the one browser API that reports upload progress.
import { ApiProblem } from "./client.ts";
import { storedCredential } from "./session.ts";
import type { Submission } from "./types.ts";

/** The content type the submissions route expects for a file, from its name. */
export function uploadTypeOf(filename: string): { content_type: string; query: string } {
  const name = filename.toLowerCase();
  if (name.endsWith(".csv.gz")) return { content_type: "application/gzip", query: "&format=csv" };
  if (name.endsWith(".gz")) return { content_type: "application/gzip", query: "" };
  if (name.endsWith(".csv")) return { content_type: "text/csv", query: "" };
  return { content_type: "application/x-ndjson", query: "" };
}

export function uploadSubmission(
  file: File,
  onProgress: (sent_bytes: number, total_bytes: number) => void,
): Promise<Submission & { replay: boolean }> {
  const { content_type, query } = uploadTypeOf(file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/v1/submissions?wait=false${query}`);
    request.setRequestHeader("content-type", content_type);
    const credential = storedCredential();
    if (credential) request.setRequestHeader("authorization", `Bearer ${credential}`);
    request.upload.onprogress = (event) =>
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(request.responseText) as Record<string, unknown>;
      } catch {
        body = { detail: request.responseText.slice(0, 200) };
      }
      if (request.status >= 200 && request.status < 300)
        resolve(body as unknown as Submission & { replay: boolean });
      else reject(new ApiProblem(request.status, body));
    };
    request.onerror = () =>
      reject(new ApiProblem(0, { code: "NETWORK_ERROR", detail: "The upload failed." }));
    request.send(file);
  });
}
