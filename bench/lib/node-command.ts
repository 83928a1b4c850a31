// The Node arguments of a package.json script ("node <these> …"), so that the
// tests and benchmarks that spawn the server or the admin CLI run them exactly as
// `npm start` and `npm run admin` do (Node's own TypeScript support,
// server/start-hooks.mjs and the V8 flags of docs/adr/0026).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageJson = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json");

type Script = "start:server" | "admin";

/** Everything after `node`: the flags, then the entry file. */
export function scriptNodeArgs(script: Script): string[] {
  const line: string = JSON.parse(readFileSync(packageJson, "utf8")).scripts[script];
  const words = line.split(/\s+/).filter(Boolean);
  if (words[0] !== "node") throw new Error(`package.json's ${script} does not start with node: ${line}`);
  return words.slice(1);
}

/** The flags only, without the entry file. */
export function scriptNodeFlags(script: Script): string[] {
  return scriptNodeArgs(script).slice(0, -1);
}
