// Accounts as staff see them (Mastodon's admin accounts): every account,
// suspended and remote ones included, with the login data of residents.
import { and, eq, ilike, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { accounts, users, type Role } from "../../db/schema";
import { NotFound } from "../../errors";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";

export interface StaffAccountView {
  account: typeof accounts.$inferSelect;
  user: typeof users.$inferSelect | null;
}

export interface StaffAccountFilter {
  origin?: "local" | "remote";
  /** remote accounts of this domain */
  domain?: string;
  status?: "active" | "pending" | "disabled" | "silenced" | "suspended" | "sensitized";
  /** moderators and admins only */
  staff?: boolean;
  role?: Role;
  /** substring, case-insensitive */
  username?: string;
  displayName?: string;
  email?: string;
}

/** `%` and `_` typed by staff match themselves. */
const likeEscaped = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listAccountsForStaff(ctx: DomainContext, filter: StaffAccountFilter, page: PageParams): Promise<StaffAccountView[]> {
  const q = pageQuery(accounts.id, page);
  const status = filter.status;
  const rows = await ctx.db
    .select({ account: accounts, user: users })
    .from(accounts)
    .leftJoin(users, eq(users.accountId, accounts.id))
    .where(
      and(
        filter.origin === "local" ? isNull(accounts.domain) : filter.origin === "remote" ? isNotNull(accounts.domain) : undefined,
        filter.domain ? eq(accounts.domain, filter.domain.toLowerCase()) : undefined,
        status === "active" ? and(isNull(accounts.suspendedAt), isNull(users.disabledAt), sql`coalesce(${users.approved}, true)`) : undefined,
        status === "pending" ? eq(users.approved, false) : undefined,
        status === "disabled" ? isNotNull(users.disabledAt) : undefined,
        status === "silenced" ? isNotNull(accounts.silencedAt) : undefined,
        status === "suspended" ? isNotNull(accounts.suspendedAt) : undefined,
        status === "sensitized" ? isNotNull(accounts.sensitizedAt) : undefined,
        filter.staff ? inArray(users.role, ["moderator", "admin"]) : undefined,
        filter.role ? eq(users.role, filter.role) : undefined,
        filter.username ? ilike(accounts.username, likeEscaped(filter.username)) : undefined,
        filter.displayName ? ilike(accounts.displayName, likeEscaped(filter.displayName)) : undefined,
        filter.email ? ilike(users.email, likeEscaped(filter.email)) : undefined,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

export async function getAccountForStaff(ctx: DomainContext, accountId: string): Promise<StaffAccountView> {
  const [row] = await ctx.db.select({ account: accounts, user: users }).from(accounts).leftJoin(users, eq(users.accountId, accounts.id)).where(eq(accounts.id, accountId));
  if (!row) throw new NotFound("Record not found");
  return row;
}

export async function getAccountsForStaff(ctx: DomainContext, ids: string[]): Promise<Map<string, StaffAccountView>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.select({ account: accounts, user: users }).from(accounts).leftJoin(users, eq(users.accountId, accounts.id)).where(inArray(accounts.id, ids));
  return new Map(rows.map((r) => [r.account.id, r]));
}
