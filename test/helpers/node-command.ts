// The Node arguments of a package.json script ("node <these> …"), so that the
// tests that spawn the server or the admin CLI run them exactly as `npm start`
// and `npm run admin` do (Node's own TypeScript support and server/start-hooks.mjs).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function scriptNodeArgs(script: "start:server" | "admin"): string[] {
  const line: string = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")).scripts[script];
  const words = line.split(/\s+/).filter(Boolean);
  if (words[0] !== "node") throw new Error(`package.json's ${script} does not start with node: ${line}`);
  return words.slice(1);
}
