// What moderation hides, as SQL conditions on a status's author, for the
// timeline and trend queries. Two levels: the account itself (silenced_at,
// suspended_at) and its whole server (a domain policy "silence" or "block",
// which covers subdomains and every port, as isDomainAllowed does).
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { accounts, domainPolicies, follows } from "../../db/schema";

/** SQL: the account row `a` lives on a domain under `policy`. */
function domainUnder(policy: "silence" | "block"): SQL {
  return sql`(a.domain is not null and exists (select 1 from ${domainPolicies} dp where dp.policy = ${policy}
    and (a.domain = dp.domain or split_part(a.domain, ':', 1) = dp.domain or split_part(a.domain, ':', 1) like '%.' || dp.domain)))`;
}

/** The author (by account id column) is neither suspended nor on a blocked server. */
export function authorNotSuspended(accountId: AnyPgColumn | SQL): SQL {
  return sql`not exists (select 1 from ${accounts} a where a.id = ${accountId} and (a.suspended_at is not null or ${domainUnder("block")}))`;
}

/**
 * The author is not silenced (nor on a silenced server), or the viewer follows
 * them or is them: a silenced account reaches its followers only, as in Mastodon.
 */
export function authorNotSilenced(accountId: AnyPgColumn | SQL, viewerId: string | SQL | null): SQL {
  const silenced = sql`exists (select 1 from ${accounts} a where a.id = ${accountId} and (a.silenced_at is not null or ${domainUnder("silence")}))`;
  if (viewerId === null) return sql`not ${silenced}`;
  return sql`(not ${silenced} or ${accountId} = ${viewerId}
    or exists (select 1 from ${follows} f where f.account_id = ${viewerId} and f.target_account_id = ${accountId}))`;
}
