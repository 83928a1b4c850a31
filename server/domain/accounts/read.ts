// Accounts as clients read them: each row with its counts and its local role,
// in batches (one query for a whole page). The Mastodon JSON is built from these
// records by server/entities/account.ts, which reads nothing itself.
import { eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { accountStats, accounts, followRequests, statuses, users } from "../../db/schema";
import type { DbOrTx } from "../../db/open";
import { prepared } from "../../db/prepared";
import type { DomainContext } from "../context";
import type { Account, User } from "./local";

export interface AccountCounts {
  followers: number;
  following: number;
  statuses: number;
}

/** An account with what its entity shows besides the row: our counts and, for a resident, the role. */
export interface AccountView {
  account: Account;
  counts: AccountCounts;
  /** the local role (resident, moderator, admin); null for a remote account */
  role: string | null;
  /** the account this one moved to (Mastodon's `moved`), when it did */
  moved?: AccountView | null;
}

/** The signed-in resident's own account, with what only they see. */
export interface CredentialAccountView {
  view: AccountView;
  user: User;
  followRequestsCount: number;
}

const none = (): AccountCounts => ({ followers: 0, following: 0, statuses: 0 });

/**
 * Followers, following and statuses counts, and the local role, of every account in
 * one query (one round trip instead of four: queries do not overlap on PGlite).
 */
export async function loadAccountViews(ctx: DomainContext, rows: Account[], withMoved = true): Promise<AccountView[]> {
  const ids = [...new Set(rows.map((r) => r.id))];
  // the accounts moved to, one level deep (as Mastodon), read only when a row has one
  const movedIds = withMoved ? [...new Set(rows.flatMap((r) => (r.movedToAccountId ? [r.movedToAccountId] : [])))] : [];
  const moved = new Map<string, AccountView>();
  if (movedIds.length > 0) {
    const targets = await ctx.db.select().from(accounts).where(inArray(accounts.id, movedIds));
    for (const v of await loadAccountViews(ctx, targets, false)) if (!v.account.suspendedAt) moved.set(v.account.id, v);
  }
  const counts = new Map<string, AccountCounts>();
  const roles = new Map<string, string>();
  if (ids.length > 0) {
    for (const r of await countsQuery(ctx.db).execute({ ids })) {
      const id = String(r.id);
      counts.set(id, { followers: Number(r.followers), following: Number(r.following), statuses: Number(r.statuses) });
      if (r.role) roles.set(id, r.role);
    }
  }
  return rows.map((account) => {
    const view: AccountView = { account, counts: counts.get(account.id) ?? none(), role: roles.get(account.id) ?? null };
    const to = account.movedToAccountId ? moved.get(account.movedToAccountId) : undefined;
    if (to) view.moved = to;
    return view;
  });
}

export async function loadAccountView(ctx: DomainContext, row: Account): Promise<AccountView> {
  const [view] = await loadAccountViews(ctx, [row]);
  return view;
}

/** The views of these accounts by id, in no particular order (missing ones left out, suspended ones kept). */
export async function loadAccountViewsByIds(ctx: DomainContext, ids: string[]): Promise<AccountView[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  return loadAccountViews(ctx, await ctx.db.select().from(accounts).where(inArray(accounts.id, unique)));
}

/**
 * The authors of these statuses, by account id: rows and counts read in one
 * query, which needs only the statuses' ids — so that it can run beside the
 * query that reads the originals of reblogs, not after it.
 */
export async function loadAuthorsOf(ctx: DomainContext, statusIds: string[]): Promise<Map<string, AccountView>> {
  const views = new Map<string, AccountView>();
  if (statusIds.length === 0) return views;
  const rows = await authorsWithCountsQuery(ctx.db).execute({ ids: [...new Set(statusIds)] });
  for (const { followersCount, followingCount, statusesCount, role, ...account } of rows) {
    // the counters row is made with the account (a trigger): absent only mid-deletion
    const counts = { followers: Number(followersCount), following: Number(followingCount), statuses: Number(statusesCount) };
    views.set(account.id, { account, counts, role: role ?? null });
  }
  return views;
}

export async function loadCredentialAccount(ctx: DomainContext, account: Account, user: User): Promise<CredentialAccountView> {
  const [view, [req]] = await Promise.all([
    loadAccountView(ctx, account),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(followRequests)
      .where(sql`${followRequests.targetAccountId} = ${account.id}`),
  ]);
  return { view, user, followRequestsCount: req?.n ?? 0 };
}

// ── prepared statements (one plan per connection; ids travel as one bigint[] parameter) ──

const countsQuery = (db: DbOrTx) =>
  prepared(db, "read_account_counts", (d) =>
    d
      .select({
        id: sql<string>`v.id::text`,
        followers: sql<number>`coalesce(${accountStats.followersCount}, 0)`,
        following: sql<number>`coalesce(${accountStats.followingCount}, 0)`,
        statuses: sql<number>`coalesce(${accountStats.statusesCount}, 0)`,
        role: users.role,
      })
      .from(sql`unnest(${sql.placeholder("ids")}::bigint[]) as v(id)`)
      .leftJoin(accountStats, sql`${accountStats.accountId} = v.id`)
      .leftJoin(users, sql`${users.accountId} = v.id`)
      .prepare("read_account_counts"),
  );

const authorsWithCountsQuery = (db: DbOrTx) =>
  prepared(db, "read_authors_with_counts", (d) =>
    d
      .select({
        ...getTableColumns(accounts),
        followersCount: accountStats.followersCount,
        followingCount: accountStats.followingCount,
        statusesCount: accountStats.statusesCount,
        role: users.role,
      })
      .from(accounts)
      .leftJoin(accountStats, eq(accountStats.accountId, accounts.id))
      .leftJoin(users, eq(users.accountId, accounts.id))
      .where(sql`${accounts.id} in (select s.account_id from ${statuses} s where s.id = any(${sql.placeholder("ids")}::bigint[]))`)
      .prepare("read_authors_with_counts"),
  );

/** Accounts by id, in the order given (missing and suspended ones left out). */
export async function activeAccountsByIds(ctx: DomainContext, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.select().from(accounts).where(inArray(accounts.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((a): a is Account => Boolean(a) && !a!.suspendedAt);
}
