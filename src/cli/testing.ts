// Test kit for whole processes: start `credence serve` on a free loopback port with its own data folder.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { DemoWorld } from "../demo/demo-world.ts";

const main = path.join(import.meta.dirname, "main.ts");

export interface ServeProcess {
  readonly url: string;
  readonly data_dir: string;
  readonly keys: Record<string, string>;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns `credence serve --demo-if-empty` and resolves once it listens; `env` adds or overrides variables. */
export async function startServeProcess(
  env: Record<string, string | undefined>,
  data_dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-serve-")),
): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main, "serve", "--demo-if-empty"], {
    env: {
      ...process.env,
      CREDENCE_DEMO_PEOPLE: "0",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      CREDENCE_DATA_DIR: data_dir,
      CREDENCE_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("is listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  // A server that dies during a test says why in the test output.
  child.once("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM")
      process.stderr.write(`credence serve on port ${port} exited (${code ?? signal}):\n${output}\n`);
  });
  const world = JSON.parse(fs.readFileSync(path.join(data_dir, "demo-keys.json"), "utf8")) as DemoWorld;
  return {
    url: `http://127.0.0.1:${port}`,
    data_dir,
    keys: Object.fromEntries(world.keys.map((key) => [key.institution_id, key.token])),
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
