// Conversations as clients read them: the other participants and the last
// status, loaded in batches; the JSON is built by server/entities/conversation.ts.
import { loadAccountViewsByIds, type AccountView } from "../accounts/read";
import type { DomainContext } from "../context";
import { loadStatusViews, type StatusView } from "./statuses";
import { lastStatuses, type AccountConversation } from "../conversations/conversations";

export interface ConversationView {
  conversation: AccountConversation;
  /** the other participants still known, in the conversation's order */
  participants: AccountView[];
  lastStatus: StatusView | null;
}

export async function loadConversationViews(ctx: DomainContext, rows: AccountConversation[], viewerId: string): Promise<ConversationView[]> {
  if (rows.length === 0) return [];
  const [accountViews, last] = await Promise.all([loadAccountViewsByIds(ctx, rows.flatMap((r) => r.participantIds)), lastStatuses(ctx, rows)]);
  const statusViews = await loadStatusViews(ctx, [...last.values()], viewerId);
  const accountById = new Map(accountViews.map((a) => [a.account.id, a]));
  const statusById = new Map(statusViews.map((s) => [s.status.id, s]));
  return rows.map((r) => ({
    conversation: r,
    participants: r.participantIds.flatMap((id) => accountById.get(id) ?? []),
    lastStatus: (r.lastStatusId && statusById.get(r.lastStatusId)) || null,
  }));
}
