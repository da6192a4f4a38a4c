// Drives HTTP load with autocannon from its own process, so the load generator never shares the server's CPU.
import autocannon from "autocannon";

const [url, rate_text, seconds_text, body_file, key] = process.argv.slice(2) as [
  string,
  string,
  string,
  string | undefined,
  string | undefined,
];
const bodies: string[] = body_file
  ? (await import("node:fs")).readFileSync(body_file, "utf8").split("\n").filter(Boolean)
  : [];
let next = 0;
const result = await autocannon({
  url,
  connections: 32,
  overallRate: Number(rate_text),
  duration: Number(seconds_text),
  method: bodies.length ? "POST" : "GET",
  headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
  requests: [
    {
      setupRequest: (request) => {
        if (bodies.length) request.body = bodies[next++ % bodies.length] as string;
        return request;
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    requests_per_s: result.requests.average,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
