// The Node arguments of a package.json script ("[VAR=value …] node <these> …"), and
// the environment it sets, so that the tests and benchmarks that spawn the server or
// the admin CLI run them exactly as `npm start` and `npm run admin` do (the bundle's
// runner or Node's own TypeScript support, the V8 flags of docs/adr/0026, malloc's
// setting of docs/admin.md, "Memory").
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageJson = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json");

type Script = "start:server" | "admin";

const ASSIGNMENT = /^([A-Z_][A-Z0-9_]*)=(\S*)$/;

function scriptWords(script: Script): { env: Record<string, string>; args: string[] } {
  const line: string = JSON.parse(readFileSync(packageJson, "utf8")).scripts[script];
  const words = line.split(/\s+/).filter(Boolean);
  const env: Record<string, string> = {};
  let at = 0;
  for (let m = ASSIGNMENT.exec(words[at] ?? ""); m; m = ASSIGNMENT.exec(words[++at] ?? "")) env[m[1]!] = m[2]!;
  if (words[at] !== "node") throw new Error(`package.json's ${script} does not run node: ${line}`);
  return { env, args: words.slice(at + 1) };
}

/** Everything after `node`: the flags, then the entry file. */
export function scriptNodeArgs(script: Script): string[] {
  return scriptWords(script).args;
}

/** The variables the script sets for Node (`VAR=value node …`). */
export function scriptEnv(script: Script): Record<string, string> {
  return scriptWords(script).env;
}

/** The flags only, without the entry file. */
export function scriptNodeFlags(script: Script): string[] {
  return scriptNodeArgs(script).slice(0, -1);
}
