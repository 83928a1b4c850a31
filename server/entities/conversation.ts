// Loaded conversations (server/domain/conversations/read.ts) → Mastodon Conversation entities.
import type { ConversationView } from "../domain/views";
import { serializeAccount, type AccountEntity } from "./account";
import { serializeStatuses, type StatusEntity } from "./status";

export interface ConversationEntity {
  id: string;
  unread: boolean;
  /** the other participants */
  accounts: AccountEntity[];
  last_status: StatusEntity | null;
}

export function serializeConversations(origin: string, views: ConversationView[]): ConversationEntity[] {
  const withStatus = views.flatMap((v) => (v.lastStatus ? [v.lastStatus] : []));
  const statusEntities = serializeStatuses(origin, withStatus);
  const statusOf = new Map(withStatus.map((s, i) => [s, statusEntities[i]]));
  return views.map((v) => ({
    id: v.conversation.id,
    unread: v.conversation.unread,
    accounts: v.participants.map((a) => serializeAccount(origin, a)),
    last_status: v.lastStatus ? statusOf.get(v.lastStatus)! : null,
  }));
}
