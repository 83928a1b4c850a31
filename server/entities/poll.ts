// Poll rows with their tallies → Mastodon's Poll entity.
import { isExpired, type PollView } from "../domain/polls";

export interface PollEntity {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: { title: string; votes_count: number | null }[];
  emojis: never[];
  voted?: boolean;
  own_votes?: number[];
}

export function pollEntity(view: PollView, viewerId: string | null): PollEntity {
  const { poll } = view;
  const expired = isExpired(poll);
  // hide_totals: nobody but the author sees the counts before the end, as in Mastodon
  const hidden = poll.hideTotals && !expired && poll.accountId !== viewerId;
  const entity: PollEntity = {
    id: poll.id,
    expires_at: poll.expiresAt ? poll.expiresAt.toISOString() : null,
    expired,
    multiple: poll.multiple,
    votes_count: view.votesCount,
    voters_count: view.votersCount,
    options: poll.options.map((title, i) => ({ title, votes_count: hidden ? null : (view.tallies[i] ?? 0) })),
    emojis: [],
  };
  if (viewerId) {
    entity.voted = poll.accountId === viewerId || (view.ownVotes?.length ?? 0) > 0;
    entity.own_votes = view.ownVotes ?? [];
  }
  return entity;
}
