// The small admin CLI: `npm run admin -- <command> …`. Works on the same
// database as the instance (PGlite data dir or DATABASE_URL).
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig, ConfigError } from "../config";
import { buildServices } from "../instance";
import { approveUser, findUserByUsername, registerAccount, setRole } from "../domain/accounts";
import { applyAccountAction, COMMAND_LINE, liftAccountAction } from "../domain/moderation";
import { listRules, setSetting } from "../domain/instance";
import type { Role } from "../db/schema";
import { listDomainPolicies } from "../domain/domains";
import { importOsmExtract, MAX_IMPORT_BYTES } from "../domain/open-data";
import { serializeImportReport } from "../entities/open-data";
import {
  addRuleLogged,
  removeDomainPolicyLogged,
  removeRuleLogged,
  setDomainPolicyLogged,
  verifyLog,
  type Actor,
} from "../domain/moderation";

/** The CLI is run by whoever administers the server: the public log names the role only. */
const CLI_ACTOR: Actor = { role: "admin", staffAccountId: null };

const USAGE = `Parvis admin commands (npm run admin -- <command>):
  create <username> [--email E] [--role resident|moderator|admin] [--password P]
        create a local account (admin by default); prints the password when generated
  role <username> <resident|moderator|admin>     change a resident's role
  approve <username>                              approve a pending registration
  suspend <username> | unsuspend <username>
  registrations <open|approval|closed>            set the registration mode
  federation <open|allowlist>                     set the federation mode
  domains                                         list blocked and allowed domains
  domain-block <domain> [--reason R] | domain-allow <domain> [--reason R] | domain-remove <domain>
  rules                                           list the instance rules
  rule-add <text> [--hint H] | rule-remove <id>
        (domain and rule changes are written to the public moderation log, as taken by "admin")
  import-osm <file.osm|file.geojson> [--json]     import an OpenStreetMap extract of man_made=surveillance
                                                  nodes as camera observations of the instance (a re-import
                                                  updates them); prints the report (--json: as the API does)
  verify-moderation-log                           recompute the moderation log's chain and check the
                                                  signature of its head; exit code 3 when it does not hold
`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { json: { type: "boolean" }, email: { type: "string" }, role: { type: "string" }, password: { type: "string" }, hint: { type: "string" }, reason: { type: "string" }, help: { type: "boolean" } },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
  const services = await buildServices(config);
  const ctx = services.domain;
  const need = async (username: string | undefined) => {
    if (!username) throw new UsageError("a username is required");
    const found = await findUserByUsername(ctx, username);
    if (!found) throw new UsageError(`no local account named ${username}`);
    return found;
  };
  try {
    switch (command) {
      case "create": {
        const username = args[0];
        if (!username) throw new UsageError("a username is required");
        const role = (values.role ?? "admin") as Role;
        if (!["resident", "moderator", "admin"].includes(role)) throw new UsageError("role must be resident, moderator or admin");
        const password = values.password ?? randomBytes(12).toString("base64url");
        const { account } = await registerAccount(ctx, { username, password, email: values.email ?? null, force: true, role });
        console.log(`created @${account.username} (${role})`);
        if (!values.password) console.log(`password: ${password}`);
        break;
      }
      case "role": {
        const { user } = await need(args[0]);
        const role = args[1] as Role;
        if (!["resident", "moderator", "admin"].includes(role)) throw new UsageError("role must be resident, moderator or admin");
        await setRole(ctx, user.id, role);
        console.log(`@${args[0]} is now ${role}`);
        break;
      }
      case "approve": {
        const { user } = await need(args[0]);
        await approveUser(ctx, user.id);
        console.log(`@${args[0]} approved`);
        break;
      }
      case "suspend":
      case "unsuspend": {
        const { account } = await need(args[0]);
        // the same actions as moderators take, recorded in the account's history
        if (command === "suspend") await applyAccountAction(ctx, COMMAND_LINE, { targetAccountId: account.id, type: "suspend", text: args.slice(1).join(" ") });
        else await liftAccountAction(ctx, COMMAND_LINE, { targetAccountId: account.id, type: "unsuspend", text: args.slice(1).join(" ") });
        console.log(`@${args[0]} ${command}ed`);
        break;
      }
      case "registrations": {
        const mode = args[0];
        if (mode !== "open" && mode !== "approval" && mode !== "closed") throw new UsageError("mode must be open, approval or closed");
        await setSetting(ctx, "registration_mode", mode);
        console.log(`registrations: ${mode}`);
        break;
      }
      case "federation": {
        const mode = args[0];
        if (mode !== "open" && mode !== "allowlist") throw new UsageError("mode must be open or allowlist");
        await setSetting(ctx, "federation_mode", mode);
        console.log(`federation: ${mode}`);
        break;
      }
      case "domains":
        for (const p of await listDomainPolicies(ctx)) console.log(`${p.policy}\t${p.domain}\t${p.reason}`);
        break;
      case "domain-block":
      case "domain-allow": {
        if (!args[0]) throw new UsageError("a domain is required");
        const p = await setDomainPolicyLogged(ctx, { domain: args[0], policy: command === "domain-block" ? "block" : "allow", reason: values.reason ?? "" }, CLI_ACTOR);
        console.log(`${p.domain}: ${p.policy}`);
        break;
      }
      case "domain-remove":
        if (!args[0]) throw new UsageError("a domain is required");
        await removeDomainPolicyLogged(ctx, args[0].toLowerCase(), values.reason, CLI_ACTOR);
        console.log(`${args[0]} removed`);
        break;
      case "rules":
        for (const r of await listRules(ctx)) console.log(`${r.id}\t${r.text}`);
        break;
      case "rule-add": {
        if (!args[0]) throw new UsageError("the rule's text is required");
        const rule = await addRuleLogged(ctx, { text: args.join(" "), hint: values.hint ?? "", reason: values.reason }, CLI_ACTOR);
        console.log(`rule ${rule.id} added`);
        break;
      }
      case "rule-remove":
        if (!args[0] || !/^\d+$/.test(args[0])) throw new UsageError("a rule id is required");
        await removeRuleLogged(ctx, args[0], values.reason, CLI_ACTOR);
        console.log(`rule ${args[0]} removed`);
        break;
      case "import-osm": {
        if (!args[0]) throw new UsageError("a file is required");
        let size: number;
        try {
          size = statSync(args[0]).size;
        } catch {
          throw new UsageError(`cannot read ${args[0]}`);
        }
        if (size > MAX_IMPORT_BYTES) throw new UsageError(`${args[0]} is larger than ${MAX_IMPORT_BYTES} bytes: split the extract`);
        const report = serializeImportReport(await importOsmExtract(ctx, readFileSync(args[0])));
        if (values.json) {
          console.log(JSON.stringify(report, null, 2));
        } else {
          for (const e of report.elements) if (e.result !== "unchanged") console.log(`${e.result}\t${e.osm_id}${e.id ? `\t${e.id}` : ""}${e.reason ? `\t${e.reason}` : ""}`);
          const dropped = Object.entries(report.dropped_tags).map(([k, n]) => `${k} (${n})`);
          if (dropped.length) console.log(`tags left out: ${dropped.join(", ")}`);
          console.log(`${report.format}: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped} skipped, ${report.ignored} other elements ignored`);
        }
        break;
      }
      case "verify-moderation-log": {
        const result = await verifyLog(ctx);
        console.log(`entries: ${result.entries}`);
        if (result.head) console.log(`head: #${result.head.seq} ${result.head.hash}`);
        if (result.firstBroken) console.log(`BROKEN at entry #${result.firstBroken.seq}: ${result.firstBroken.reason} does not match`);
        else console.log("chain: intact");
        console.log(`signature of the head: ${result.signature}`);
        console.log(result.ok ? "moderation log verified" : "moderation log does NOT verify");
        return result.ok ? 0 : 3;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
    return 0;
  } finally {
    await services.database.close();
  }
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(err.message);
      console.error(USAGE);
      process.exit(2);
    }
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
