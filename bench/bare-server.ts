// The baseline for HTTP benchmarks: a bare Fastify route that returns a constant, in its own process.
import Fastify from "fastify";

const app = Fastify();
app.get("/", async () => ({ ok: true }));
app.post("/", async () => ({ ok: true }));
await app.listen({ host: "127.0.0.1", port: Number(process.argv[2]) });
process.stdout.write("listening\n");
