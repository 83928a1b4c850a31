// Accounts of other servers, as federation learns of them: created or refreshed
// from their actor documents, deleted when their server says so.
import { and, eq, inArray, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db/open";
import { prepared } from "../../db/prepared";
import { accountMoves, accounts, remoteKeys } from "../../db/schema";
import { Invalid } from "../../errors";
import { newId } from "../../ids";
import type { Account } from "./local";
import type { DomainContext } from "../context";
import { httpUrl, sanitizePostHtml, stripHtml } from "../content/sanitize";
import { normaliseStrings } from "../../unicode";

export interface RemoteActorData {
  uri: string;
  username: string;
  /** lower-case host[:port] */
  domain: string;
  displayName?: string | null;
  /** HTML from the remote server: sanitized here */
  note?: string | null;
  fields?: { name: string; value: string }[];
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  actorType?: string;
  avatarUrl?: string | null;
  headerUrl?: string | null;
  url?: string | null;
  inboxUrl?: string | null;
  sharedInboxUrl?: string | null;
  outboxUrl?: string | null;
  followersUrl?: string | null;
  followingUrl?: string | null;
  featuredUrl?: string | null;
  followersCount?: number | null;
  followingCount?: number | null;
  statusesCount?: number | null;
  alsoKnownAs?: string[];
  publishedAt?: Date | null;
  /** public keys listed by the actor document itself */
  keys?: { keyId: string; pem?: string | null; jwk?: JsonWebKey | null }[];
}

const MAX_FIELDS = 8;
const MAX_TEXT = 10_000;

const clip = (s: string | null | undefined, n: number) => (s ?? "").slice(0, n);

const cleanUrl = httpUrl;

const accountByUriQuery = (db: DbOrTx) =>
  prepared(db, "remote_account_by_uri", (d) =>
    d.select().from(accounts).where(eq(accounts.uri, sql.placeholder("uri"))).limit(1).prepare("remote_account_by_uri"),
  );

export async function findAccountByUri(ctx: DomainContext, uri: string): Promise<Account | undefined> {
  // read for nearly every incoming activity (its actor): cached a few seconds, prepared
  const cached = ctx.accountCache?.get(uri);
  if (cached) return cached;
  const [row] = await accountByUriQuery(ctx.db).execute({ uri });
  if (row) remember(ctx, [row]);
  return row;
}

/** Rows read outside a transaction only: one read inside may yet be rolled back. */
function remember(ctx: DomainContext, rows: Account[]): void {
  if (!ctx.accountCache || ctx.db instanceof PgTransaction) return;
  for (const row of rows) ctx.accountCache.set(row);
}

/** Creates or refreshes a remote account from its actor document. */
export async function upsertRemoteAccount(ctx: DomainContext, input: RemoteActorData): Promise<Account> {
  // fields and aliases are jsonb: no lone surrogates (U+FFFD instead), as at the HTTP edge
  const data = normaliseStrings(structuredClone(input)).value as RemoteActorData;
  if (!/^[a-z0-9_.-]{1,100}$/i.test(data.username)) throw new Invalid("Remote username is not acceptable");
  if (!data.domain || data.domain === ctx.config.domain) throw new Invalid("Not a remote account");
  const values = {
    username: data.username,
    domain: data.domain.toLowerCase(),
    displayName: stripHtml(clip(data.displayName, 200)),
    note: sanitizePostHtml(clip(data.note, MAX_TEXT)),
    fields: (data.fields ?? []).slice(0, MAX_FIELDS).map((f) => ({
      name: stripHtml(clip(f.name, 255)),
      value: sanitizePostHtml(clip(f.value, 2048)),
      verified_at: null,
    })),
    locked: Boolean(data.locked),
    bot: Boolean(data.bot),
    discoverable: data.discoverable ?? true,
    actorType: clip(data.actorType ?? "Person", 40),
    avatarUrl: cleanUrl(data.avatarUrl),
    headerUrl: cleanUrl(data.headerUrl),
    uri: data.uri,
    url: cleanUrl(data.url) ?? data.uri,
    inboxUrl: cleanUrl(data.inboxUrl),
    sharedInboxUrl: cleanUrl(data.sharedInboxUrl),
    outboxUrl: cleanUrl(data.outboxUrl),
    followersUrl: cleanUrl(data.followersUrl),
    followingUrl: cleanUrl(data.followingUrl),
    featuredUrl: cleanUrl(data.featuredUrl),
    remoteFollowersCount: data.followersCount ?? null,
    remoteFollowingCount: data.followingCount ?? null,
    remoteStatusesCount: data.statusesCount ?? null,
    alsoKnownAs: (data.alsoKnownAs ?? []).map(httpUrl).filter((u): u is string => u !== null).slice(0, 20),
    lastFetchedAt: new Date(),
    updatedAt: new Date(),
  };
  const existing =
    (await findAccountByUri(ctx, data.uri)) ??
    (
      await ctx.db
        .select()
        .from(accounts)
        .where(and(sql`lower(${accounts.username}) = ${data.username.toLowerCase()}`, eq(accounts.domain, values.domain)))
        .limit(1)
    )[0];
  let row: Account;
  if (existing) {
    if (existing.domain === null) throw new Invalid("Not a remote account");
    [row] = await ctx.db.update(accounts).set(values).where(eq(accounts.id, existing.id)).returning();
    ctx.events.emit("account.updated", { accountId: row.id, local: false });
  } else {
    [row] = await ctx.db
      .insert(accounts)
      .values({ id: newId(), ...values, ...(data.publishedAt ? { createdAt: data.publishedAt } : {}) })
      .onConflictDoUpdate({ target: accounts.uri, set: values })
      .returning();
  }
  for (const key of data.keys ?? []) {
    await ctx.db
      .insert(remoteKeys)
      .values({ keyId: key.keyId, accountId: row.id, publicKeyPem: key.pem ?? null, publicKeyJwk: key.jwk ?? null })
      .onConflictDoUpdate({
        target: remoteKeys.keyId,
        set: { accountId: row.id, publicKeyPem: key.pem ?? null, publicKeyJwk: key.jwk ?? null, fetchedAt: new Date() },
      });
  }
  return row;
}

/** Accounts by ActivityPub id (known ones only). */
export async function accountsByUris(ctx: DomainContext, uris: string[]): Promise<Account[]> {
  const wanted = [...new Set(uris)].slice(0, 200);
  const found: Account[] = [];
  const missing: string[] = [];
  for (const uri of wanted) {
    const cached = ctx.accountCache?.get(uri);
    if (cached) found.push(cached);
    else missing.push(uri);
  }
  if (missing.length === 0) return found;
  const rows = await ctx.db.select().from(accounts).where(inArray(accounts.uri, missing));
  remember(ctx, rows);
  return [...found, ...rows];
}

/** A Move was announced (and checked): recorded for moderators, movedTo set (the inbox then moves the followers: moveAccount). */
export async function recordMove(ctx: DomainContext, accountId: string, targetUri: string, activityUri: string | null): Promise<void> {
  await ctx.db.insert(accountMoves).values({ id: newId(), accountId, targetUri, activityUri });
  const target = await findAccountByUri(ctx, targetUri);
  if (target) await ctx.db.update(accounts).set({ movedToAccountId: target.id }).where(eq(accounts.id, accountId));
}
