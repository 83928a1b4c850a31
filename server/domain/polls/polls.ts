// Polls: attached to a status (local or remote), voted on by residents and by
// remote accounts, closed by a periodic job that notifies voters and author.
// A local poll's tallies are counted from poll_votes; a remote poll's come from
// its server (Update(Question)), plus the votes residents sent it meanwhile.
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { accounts, pollVotes, polls, statuses, users } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DbOrTx } from "../../db/open";
import type { Account } from "../accounts/local";
import type { DomainContext } from "../context";
import { writeAndPublish } from "../event-journal";
import { notify } from "../notifications/notifications";
import { stripHtml } from "../content/sanitize";
import { getVisibleStatus, canSee } from "../visibility/visibility";
import { rowsOf } from "../../db/rows";

export type Poll = typeof polls.$inferSelect;

/** Mastodon's defaults, advertised in /api/v2/instance. */
export const POLL_LIMITS = {
  maxOptions: 4,
  maxCharactersPerOption: 50,
  minExpiration: 300,
  maxExpiration: 2_629_746,
} as const;

/** How many options of a remote poll we keep. */
const MAX_REMOTE_OPTIONS = 20;

export interface PollInput {
  options: string[];
  /** seconds */
  expiresIn: number;
  multiple?: boolean;
  hideTotals?: boolean;
}

/** Checks a poll as a resident asks for it (422 on the first problem). */
export function validatePollInput(input: PollInput): void {
  const options = input.options.map((o) => o.trim());
  if (options.length < 2) throw new Invalid("Validation failed: Poll must have at least 2 options");
  if (options.length > POLL_LIMITS.maxOptions) throw new Invalid(`Validation failed: Poll can't have more than ${POLL_LIMITS.maxOptions} options`);
  if (options.some((o) => o.length === 0)) throw new Invalid("Validation failed: Poll options can't be blank");
  if (options.some((o) => [...o].length > POLL_LIMITS.maxCharactersPerOption)) {
    throw new Invalid(`Validation failed: Poll options can't be longer than ${POLL_LIMITS.maxCharactersPerOption} characters`);
  }
  if (new Set(options).size !== options.length) throw new Invalid("Validation failed: Poll options must be unique");
  if (!Number.isInteger(input.expiresIn) || input.expiresIn < POLL_LIMITS.minExpiration || input.expiresIn > POLL_LIMITS.maxExpiration) {
    throw new Invalid(`Validation failed: Poll expiration must be between ${POLL_LIMITS.minExpiration} and ${POLL_LIMITS.maxExpiration} seconds`);
  }
}

/** Inserts a resident's poll for a status being stored (inside its transaction). */
export async function insertLocalPoll(tx: DbOrTx, statusId: string, accountId: string, input: PollInput, now = new Date()): Promise<void> {
  await tx.insert(polls).values({
    id: newId(now),
    statusId,
    accountId,
    options: input.options.map((o) => o.trim()),
    multiple: Boolean(input.multiple),
    hideTotals: Boolean(input.hideTotals),
    expiresAt: new Date(now.getTime() + input.expiresIn * 1000),
  });
}

/**
 * A resident edits their post's poll (inside the edit's transaction): null
 * removes it; new options or a new choice mode start the vote again, as Mastodon.
 */
export async function replaceLocalPoll(tx: DbOrTx, statusId: string, accountId: string, input: PollInput | null, now = new Date()): Promise<void> {
  const [current] = await tx.select().from(polls).where(eq(polls.statusId, statusId));
  if (!input) {
    if (current) await tx.delete(polls).where(eq(polls.id, current.id));
    return;
  }
  if (!current) return insertLocalPoll(tx, statusId, accountId, input, now);
  const options = input.options.map((o) => o.trim());
  const changed = JSON.stringify(options) !== JSON.stringify(current.options) || Boolean(input.multiple) !== current.multiple;
  if (changed) await tx.delete(pollVotes).where(eq(pollVotes.pollId, current.id));
  await tx
    .update(polls)
    .set({
      options,
      multiple: Boolean(input.multiple),
      hideTotals: Boolean(input.hideTotals),
      expiresAt: new Date(now.getTime() + input.expiresIn * 1000),
      endedNotifiedAt: null,
      updatedAt: now,
    })
    .where(eq(polls.id, current.id));
}

export interface RemotePollData {
  options: string[];
  tallies: number[];
  multiple: boolean;
  expiresAt: Date | null;
  votersCount: number | null;
}

export function cleanRemotePoll(data: RemotePollData): RemotePollData | null {
  const options = data.options.slice(0, MAX_REMOTE_OPTIONS).map((o) => stripHtml(o).slice(0, 500));
  if (options.length === 0) return null;
  const count = (n: unknown) => (typeof n === "number" && Number.isInteger(n) && n >= 0 && n < 2 ** 31 ? n : 0);
  return {
    options,
    tallies: options.map((_, i) => count(data.tallies[i])),
    multiple: data.multiple,
    expiresAt: data.expiresAt && !Number.isNaN(data.expiresAt.getTime()) ? data.expiresAt : null,
    votersCount: data.votersCount === null ? null : count(data.votersCount),
  };
}

/** Stores a remote status's poll with it (inside its transaction). */
export async function insertRemotePoll(tx: DbOrTx, statusId: string, accountId: string, data: RemotePollData): Promise<void> {
  const clean = cleanRemotePoll(data);
  if (!clean) return;
  await tx
    .insert(polls)
    .values({
      id: newId(),
      statusId,
      accountId,
      options: clean.options,
      multiple: clean.multiple,
      expiresAt: clean.expiresAt,
      cachedTallies: clean.tallies,
      votersCount: clean.votersCount,
    })
    .onConflictDoNothing();
}

/**
 * Update(Question) from the poll's server: new tallies (and options, if they
 * changed, in which case the residents' votes no longer apply and go).
 */
export async function updateRemotePoll(ctx: DomainContext, statusId: string, data: RemotePollData): Promise<void> {
  const clean = cleanRemotePoll(data);
  if (!clean) return;
  const [current] = await ctx.db.select().from(polls).where(eq(polls.statusId, statusId));
  if (!current) {
    const [status] = await ctx.db.select({ accountId: statuses.accountId, local: statuses.local }).from(statuses).where(eq(statuses.id, statusId));
    if (status && !status.local) await insertRemotePoll(ctx.db, statusId, status.accountId, data);
    return;
  }
  const sameOptions = JSON.stringify(current.options) === JSON.stringify(clean.options);
  if (!sameOptions) await ctx.db.delete(pollVotes).where(eq(pollVotes.pollId, current.id));
  await ctx.db
    .update(polls)
    .set({
      options: clean.options,
      multiple: clean.multiple,
      expiresAt: clean.expiresAt,
      cachedTallies: clean.tallies,
      votersCount: clean.votersCount,
      updatedAt: new Date(),
    })
    .where(eq(polls.id, current.id));
}

export function isExpired(poll: Pick<Poll, "expiresAt">, now = new Date()): boolean {
  return poll.expiresAt !== null && poll.expiresAt.getTime() <= now.getTime();
}

export interface PollView {
  poll: Poll;
  /** votes per option */
  tallies: number[];
  votesCount: number;
  votersCount: number | null;
  /** the viewer's choices (null without a viewer) */
  ownVotes: number[] | null;
}

/** Polls of these statuses with their tallies and the viewer's votes, by status id (two queries whatever their number). */
export async function pollViews(ctx: DomainContext, statusIds: string[], viewerId: string | null): Promise<Map<string, PollView>> {
  const out = new Map<string, PollView>();
  if (statusIds.length === 0) return out;
  const rows = await ctx.db.select().from(polls).where(inArray(polls.statusId, statusIds));
  if (rows.length === 0) return out;
  const ids = rows.map((r) => r.id);
  const counts = rowsOf<{ poll_id: string; choice: number; votes: number; voters: number; mine: boolean }>(
    await ctx.db.execute(sql`select poll_id::text as poll_id, choice, count(*)::int as votes,
        bool_or(account_id = ${viewerId ?? "0"}::bigint) as mine,
        (select count(distinct v2.account_id)::int from ${pollVotes} v2 where v2.poll_id = v.poll_id) as voters
      from ${pollVotes} v where poll_id = any(${`{${ids.join(",")}}`}::bigint[])
      group by poll_id, choice`),
  );
  for (const poll of rows) {
    const mine = counts.filter((c) => String(c.poll_id) === poll.id);
    const local = poll.cachedTallies.length === 0 && poll.votersCount === null;
    const tallies = poll.options.map((_, i) => {
      if (!local) return poll.cachedTallies[i] ?? 0;
      return Number(mine.find((c) => Number(c.choice) === i)?.votes ?? 0);
    });
    const votersCount = local ? Number(mine[0]?.voters ?? 0) : poll.votersCount;
    out.set(poll.statusId, {
      poll,
      tallies,
      votesCount: tallies.reduce((a, b) => a + b, 0),
      votersCount: poll.multiple || !local ? votersCount : tallies.reduce((a, b) => a + b, 0),
      ownVotes: viewerId ? mine.filter((c) => c.mine).map((c) => Number(c.choice)) : null,
    });
  }
  return out;
}

/** A poll by id, when the viewer may see its status (404 otherwise). */
export async function getVisiblePoll(ctx: DomainContext, pollId: string, viewerId: string | null): Promise<Poll> {
  const [poll] = await ctx.db.select().from(polls).where(eq(polls.id, pollId));
  if (!poll) throw new NotFound();
  await getVisibleStatus(ctx, poll.statusId, viewerId);
  return poll;
}

/**
 * A resident votes. One vote per poll (several options only in a multiple-choice
 * poll); never on an ended poll, nor on one's own. Publishes "poll.voted", which
 * federation turns into votes to a remote poll's author, or an Update(Question)
 * of a local poll.
 */
export async function vote(ctx: DomainContext, voter: Account, pollId: string, choices: number[]): Promise<Poll> {
  const poll = await getVisiblePoll(ctx, pollId, voter.id);
  if (isExpired(poll)) throw new Invalid("Validation failed: The poll has already ended");
  if (poll.accountId === voter.id) throw new Invalid("Validation failed: You cannot vote in your own poll");
  const unique = [...new Set(choices)];
  if (unique.length === 0) throw new Invalid("Validation failed: Choices can't be blank");
  if (unique.length !== choices.length) throw new Invalid("Validation failed: Choices must be unique");
  if (!poll.multiple && unique.length > 1) throw new Invalid("Validation failed: This poll accepts a single choice");
  if (unique.some((c) => !Number.isInteger(c) || c < 0 || c >= poll.options.length)) throw new Invalid("Validation failed: Choices are invalid");
  const local = poll.cachedTallies.length === 0 && poll.votersCount === null;
  return writeAndPublish(ctx, async (tx, record) => {
    // the poll row is the lock: two votes of the same voter at once are one after the other
    await tx.execute(sql`select 1 from ${polls} where id = ${poll.id} for update`);
    const [already] = await tx
      .select({ id: pollVotes.id })
      .from(pollVotes)
      .where(and(eq(pollVotes.pollId, poll.id), eq(pollVotes.accountId, voter.id)))
      .limit(1);
    if (already) throw new Invalid("Validation failed: You have already voted on this poll");
    const rows = unique.map((choice) => ({ id: newId(), pollId: poll.id, accountId: voter.id, choice }));
    await tx.insert(pollVotes).values(rows);
    if (!local) {
      // as Mastodon: a remote poll's tallies include our residents' votes until its server says otherwise
      const tallies = poll.options.map((_, i) => (poll.cachedTallies[i] ?? 0) + (unique.includes(i) ? 1 : 0));
      await tx
        .update(polls)
        .set({ cachedTallies: tallies, votersCount: (poll.votersCount ?? 0) + 1 })
        .where(eq(polls.id, poll.id));
    }
    await record("poll.voted", { pollId: poll.id, statusId: poll.statusId, accountId: voter.id, voteIds: rows.map((r) => r.id) });
    const [updated] = await tx.select().from(polls).where(eq(polls.id, poll.id));
    return updated;
  });
}

/** Votes of a local poll's voter, for the Note each becomes (federation). */
export async function votesByIds(ctx: DomainContext, ids: string[]) {
  if (ids.length === 0) return [];
  return ctx.db.select().from(pollVotes).where(inArray(pollVotes.id, ids));
}

/**
 * A vote from another server (a Note named after an option, replying to our
 * poll). Ignored when the poll ended, the option is unknown, or the voter
 * already voted in a single-choice poll. Returns whether it counted.
 */
export async function recordRemoteVote(
  ctx: DomainContext,
  input: { voterId: string; pollStatusId: string; optionName: string; uri: string },
): Promise<boolean> {
  const [poll] = await ctx.db.select().from(polls).where(eq(polls.statusId, input.pollStatusId));
  if (!poll || isExpired(poll) || poll.accountId === input.voterId) return false;
  const [status] = await ctx.db.select().from(statuses).where(eq(statuses.id, poll.statusId));
  // a voter who may not see the post (followers-only, a block) does not count
  if (!status?.local || !(await canSee(ctx, status, input.voterId))) return false;
  const choice = poll.options.indexOf(input.optionName.trim());
  if (choice < 0) return false;
  await ctx.db.execute(sql`select 1 from ${polls} where id = ${poll.id} for update`);
  const existing = await ctx.db
    .select({ choice: pollVotes.choice })
    .from(pollVotes)
    .where(and(eq(pollVotes.pollId, poll.id), eq(pollVotes.accountId, input.voterId)));
  if (existing.length > 0 && (!poll.multiple || existing.some((e) => e.choice === choice))) return false;
  const id = newId();
  const [inserted] = await ctx.db
    .insert(pollVotes)
    .values({ id, pollId: poll.id, accountId: input.voterId, choice, uri: input.uri })
    .onConflictDoNothing()
    .returning({ id: pollVotes.id });
  if (!inserted) return false;
  ctx.events.emit("poll.voted", { pollId: poll.id, statusId: poll.statusId, accountId: input.voterId, voteIds: [id] });
  return true;
}

/** Local accounts that voted in a poll. */
async function localVoters(ctx: DomainContext, pollId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectDistinct({ id: pollVotes.accountId })
    .from(pollVotes)
    .innerJoin(users, eq(users.accountId, pollVotes.accountId))
    .where(eq(pollVotes.pollId, pollId));
  return rows.map((r) => r.id);
}

/**
 * The periodic job: polls that ended and were not closed yet are closed, their
 * local voters and their local author get a "poll" notification, and
 * "poll.ended" goes out (federation sends the final Update(Question) of a
 * local poll). Each poll is claimed in its own statement, so two processes
 * never notify twice. Returns how many were closed.
 */
export async function closeEndedPolls(ctx: DomainContext, now = new Date(), limit = 100): Promise<number> {
  const due = await ctx.db
    .select({ id: polls.id })
    .from(polls)
    .where(and(isNull(polls.endedNotifiedAt), lte(polls.expiresAt, now)))
    .limit(limit);
  let closed = 0;
  for (const { id } of due) {
    const [poll] = await ctx.db
      .update(polls)
      .set({ endedNotifiedAt: now })
      .where(and(eq(polls.id, id), isNull(polls.endedNotifiedAt)))
      .returning();
    if (!poll) continue;
    closed++;
    const [author] = await ctx.db.select({ id: accounts.id, domain: accounts.domain }).from(accounts).where(eq(accounts.id, poll.accountId));
    if (!author) continue;
    const recipients = new Set(await localVoters(ctx, poll.id));
    if (author.domain === null) recipients.add(author.id);
    for (const recipientId of recipients) {
      await notify(ctx, { recipientId, fromAccountId: poll.accountId, type: "poll", statusId: poll.statusId, allowSelf: true });
    }
    ctx.events.emit("poll.ended", { pollId: poll.id, statusId: poll.statusId });
  }
  return closed;
}

/** Remote accounts that voted in a poll: its updates go to their servers too, as Mastodon does. */
export async function remoteVoters(ctx: DomainContext, statusId: string) {
  return ctx.db
    .selectDistinct({ uri: accounts.uri, inboxUrl: accounts.inboxUrl, sharedInboxUrl: accounts.sharedInboxUrl })
    .from(pollVotes)
    .innerJoin(polls, eq(polls.id, pollVotes.pollId))
    .innerJoin(accounts, eq(accounts.id, pollVotes.accountId))
    .where(and(eq(polls.statusId, statusId), sql`${accounts.domain} is not null`));
}

export async function pollOfStatus(ctx: DomainContext, statusId: string): Promise<Poll | undefined> {
  const [poll] = await ctx.db.select().from(polls).where(eq(polls.statusId, statusId));
  return poll;
}
