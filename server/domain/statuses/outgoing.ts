// What outgoing federation needs to know about a status: the status with its
// mentions, tags, media, parent and poll (to render it as a Note or Announce),
// whether it would reach anyone remote, and a status row by id. Plain reads, no
// rules: who may see a status is decided in visibility/.
import { asc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { accounts, follows, mediaAttachments, mentions, observations, statusTags, statuses, tags } from "../../db/schema";
import type { DbOrTx } from "../../db/open";
import { prepared } from "../../db/prepared";
import type { Account } from "../accounts/local";
import type { DomainContext } from "../context";
import { pollViews, type PollView } from "../polls/polls";
import type { Status } from "./local";
import { isId } from "../../ids";

export interface MentionedAccount {
  id: string;
  uri: string;
  username: string;
  /** null for residents */
  domain: string | null;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
}

export interface StatusMedia {
  id: string;
  type: string;
  fileName: string | null;
  remoteUrl: string | null;
  contentType: string | null;
  description: string | null;
  blurhash: string | null;
  meta: Record<string, unknown>;
}

export interface StatusForFederation {
  status: Status;
  author: Account;
  mentions: MentionedAccount[];
  tags: string[];
  media: StatusMedia[];
  /** the parent's ActivityPub id (known parent, or the unresolved in_reply_to_uri) */
  inReplyToUri: string | null;
  /** the author of the parent, when known */
  inReplyToAccount: Account | null;
  /** for a reblog: the shared status and its author */
  reblogOf: { status: Status; author: Account } | null;
  /** a poll's options and tallies (local polls only are rendered with them) */
  poll: PollView | null;
  /** an observation's row (server/domain/observations), rendered as the Parvis extension of its Note */
  observation: typeof observations.$inferSelect | null;
}

const parentAccount = alias(accounts, "parent_account");

/** A status with everything it takes to render it as a Note (or Announce), or null when it is gone. */
export async function statusForFederation(ctx: DomainContext, statusId: string): Promise<StatusForFederation | null> {
  if (!isId(statusId)) return null;
  const [row] = await ctx.db
    .select({ status: statuses, author: accounts, observation: observations })
    .from(statuses)
    .innerJoin(accounts, eq(accounts.id, statuses.accountId))
    // an observation's fields, in the same statement (a primary key lookup)
    .leftJoin(observations, eq(observations.statusId, statuses.id))
    .where(eq(statuses.id, statusId));
  if (!row) return null;
  const { status, author, observation } = row;

  const [mentioned, tagRows, media] = await Promise.all([
    ctx.db
      .select({
        id: accounts.id,
        uri: accounts.uri,
        username: accounts.username,
        domain: accounts.domain,
        inboxUrl: accounts.inboxUrl,
        sharedInboxUrl: accounts.sharedInboxUrl,
      })
      .from(mentions)
      .innerJoin(accounts, eq(accounts.id, mentions.accountId))
      .where(eq(mentions.statusId, status.id))
      .orderBy(asc(accounts.id)),
    ctx.db
      .select({ name: tags.name })
      .from(statusTags)
      .innerJoin(tags, eq(tags.id, statusTags.tagId))
      .where(eq(statusTags.statusId, status.id))
      .orderBy(asc(tags.name)),
    ctx.db
      .select({
        id: mediaAttachments.id,
        type: mediaAttachments.type,
        fileName: mediaAttachments.fileName,
        remoteUrl: mediaAttachments.remoteUrl,
        contentType: mediaAttachments.contentType,
        description: mediaAttachments.description,
        blurhash: mediaAttachments.blurhash,
        meta: mediaAttachments.meta,
      })
      .from(mediaAttachments)
      .where(eq(mediaAttachments.statusId, status.id))
      .orderBy(asc(mediaAttachments.position), asc(mediaAttachments.id)),
  ]);

  let inReplyToUri = status.inReplyToUri;
  let inReplyToAccount: Account | null = null;
  if (status.inReplyToId) {
    const [parent] = await ctx.db
      .select({ uri: statuses.uri, account: parentAccount })
      .from(statuses)
      .innerJoin(parentAccount, eq(parentAccount.id, statuses.accountId))
      .where(eq(statuses.id, status.inReplyToId));
    if (parent) {
      inReplyToUri = parent.uri;
      inReplyToAccount = parent.account;
    }
  }
  if (!inReplyToAccount && status.inReplyToAccountId) {
    const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, status.inReplyToAccountId));
    inReplyToAccount = account ?? null;
  }

  let reblogOf: StatusForFederation["reblogOf"] = null;
  if (status.reblogOfId) {
    const [original] = await ctx.db
      .select({ status: statuses, author: accounts })
      .from(statuses)
      .innerJoin(accounts, eq(accounts.id, statuses.accountId))
      .where(eq(statuses.id, status.reblogOfId));
    reblogOf = original ?? null;
  }

  const poll = status.objectType === "Question" ? ((await pollViews(ctx, [status.id], null)).get(status.id) ?? null) : null;

  return {
    poll,
    observation,
    status,
    author,
    mentions: mentioned,
    tags: tagRows.map((t) => t.name),
    media,
    inReplyToUri,
    inReplyToAccount,
    reblogOf,
  };
}

/**
 * Would a status reach any remote actor? Its author's remote followers (unless
 * direct), remote mentioned actors, and the remote author of what it answers or
 * shares (public and unlisted): the recipients the outbox would compute, asked in
 * one query so that a post only residents will read costs no more than this.
 */
export async function hasRemoteAudience(ctx: DomainContext, statusId: string): Promise<boolean> {
  if (!isId(statusId)) return false;
  const [row] = await remoteAudienceQuery(ctx.db).execute({ id: statusId });
  return Boolean(row?.remote);
}

const remoteAudienceQuery = (db: DbOrTx) =>
  prepared(db, "fed_remote_audience", (d) =>
    d
      .select({
        // "s" is qualified by hand: Drizzle leaves selected columns of a single table unqualified
        remote: sql<boolean>`(
          (s.visibility <> 'direct' and exists (
            select 1 from ${follows} f join ${accounts} a on a.id = f.account_id
            where f.target_account_id = s.account_id and a.domain is not null))
          or exists (
            select 1 from ${mentions} m join ${accounts} a on a.id = m.account_id
            where m.status_id = s.id and a.domain is not null)
          or (s.visibility in ('public', 'unlisted') and exists (
            select 1 from ${accounts} a
            where a.domain is not null and a.id in (
              s.in_reply_to_account_id,
              (select p.account_id from ${statuses} p where p.id = s.in_reply_to_id),
              (select o.account_id from ${statuses} o where o.id = s.reblog_of_id))))
        )`,
      })
      .from(sql`${statuses} s`)
      .where(sql`s.id = ${sql.placeholder("id")}`)
      .prepare("fed_remote_audience"),
  );

/** Status row by id (also a reblog), or null. */
export async function statusById(ctx: DomainContext, id: string): Promise<Status | null> {
  const [row] = await ctx.db.select().from(statuses).where(eq(statuses.id, id));
  return row ?? null;
}
