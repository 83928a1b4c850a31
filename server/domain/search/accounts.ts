// Account search for clients: a prefix of the username or display name.
import { sql } from "drizzle-orm";
import { accounts } from "../../db/schema";
import type { Account } from "../accounts/local";
import type { DomainContext } from "../context";

/** Prefix search on username and display name, local accounts first (suspended and unapproved ones left out). */
export async function searchAccounts(ctx: DomainContext, query: string, limit: number, offset: number, followingOf: string | null): Promise<Account[]> {
  const term = query.trim().replace(/^@/, "");
  const [username, domain] = term.split("@");
  const like = `${username.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
  return ctx.db
    .select()
    .from(accounts)
    .where(
      sql`${accounts.suspendedAt} is null
        and not exists (select 1 from users u where u.account_id = ${accounts.id} and not u.approved)
        and (lower(${accounts.username}) like ${like} or lower(${accounts.displayName}) like ${like})
        ${domain ? sql`and ${accounts.domain} = ${domain.toLowerCase()}` : sql``}
        ${followingOf ? sql`and exists (select 1 from follows f where f.account_id = ${followingOf} and f.target_account_id = ${accounts.id})` : sql``}`,
    )
    .orderBy(sql`${accounts.domain} is not null`, sql`lower(${accounts.username})`)
    .limit(limit)
    .offset(offset);
}
