// What the live streams ask of other concepts (see StreamHooks in dispatch.ts):
// which lists show a status and who may read a list (lists), the Conversation
// entity of a direct status (conversations), the Announcement entity (announcements).
import { serializeAnnouncements } from "../entities/announcement";
import { serializeConversations } from "../entities/conversation";
import { announcementExtras, getAnnouncement } from "../domain/announcements";
import { conversationOfStatus } from "../domain/conversations";
import { loadConversationViews } from "../domain/views";
import { getList, listsShowing } from "../domain/lists";
import { NotFound } from "../errors";
import type { StreamHooks } from "./dispatch";

export const streamHooks: StreamHooks = {
  listsShowing,
  async mayReadList(ctx, accountId, listId) {
    try {
      await getList(ctx, accountId, listId);
      return true;
    } catch (err) {
      if (err instanceof NotFound) return false;
      throw err;
    }
  },
  async conversation(services, statusId, accountId) {
    const row = await conversationOfStatus(services.domain, accountId, statusId);
    if (!row) return null;
    const [entity] = serializeConversations(services.config.origin, await loadConversationViews(services.domain, [row], accountId));
    return entity ?? null;
  },
  async announcement(services, announcementId) {
    const row = await getAnnouncement(services.domain, announcementId).catch((err: unknown) => {
      if (err instanceof NotFound) return null;
      throw err;
    });
    if (!row) return null;
    const [entity] = serializeAnnouncements(services.config.origin, [row], await announcementExtras(services.domain, [row.id], null));
    return entity ?? null;
  },
};
