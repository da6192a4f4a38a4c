// `npm run bench -- NAME [options]`: runs one benchmark; each prints its figures beside a baseline from the same run.
import fs from "node:fs";
import path from "node:path";

const [name, ...args] = process.argv.slice(2);
const available = fs
  .readdirSync(import.meta.dirname)
  .filter(
    (file) => file.endsWith(".ts") && !file.includes("-worker") && file !== "run.ts" && !file.startsWith("."),
  )
  .map((file) => file.replace(/\.ts$/, ""));

if (!name || !available.includes(name)) {
  process.stdout.write(`Usage: npm run bench -- <${available.join("|")}> [options]\n`);
  process.exitCode = name ? 2 : 0;
} else {
  const module = (await import(path.join(import.meta.dirname, `${name}.ts`))) as {
    run(args: string[]): Promise<void>;
  };
  await module.run(args);
}
