// The in-process bus that domain modules publish to. Realtime and federation
// subscribe; a failing subscriber never fails the domain write that published.
import type { Visibility } from "./db/schema";

export interface DomainEvents {
  "status.created": { statusId: string; accountId: string; local: boolean };
  "status.updated": { statusId: string; accountId: string; local: boolean };
  /**
   * A post in a group, and its edit: apart from "status.created"/"status.updated" because
   * its audience is the group's members, not the author's followers (federation
   * announces it from the group; the author's outbox must not send it).
   */
  "group.status.created": { statusId: string; accountId: string; local: boolean; groupId: string };
  "group.status.updated": { statusId: string; accountId: string; local: boolean; groupId: string };
  /**
   * A local group was deleted (its posts went first, each with its own "status.deleted"):
   * its actor's uri, and the inboxes of its remote members, computed before the
   * memberships went (they are who must hear of it: Delete(Group)).
   */
  "group.deleted": { groupId: string; uri: string; memberInboxes: string[] };
  /** a member's join became active (at once, or approved): a remote member's Follow is answered Accept */
  "group.member.accepted": { groupId: string; accountId: string; uri: string | null };
  /**
   * a join was refused or no longer stands (a ban, a rejected request, a member removed by the
   * group's moderators): a remote member's Follow is answered Reject, so its server drops the membership
   */
  "group.join.refused": { groupId: string; accountId: string; uri: string | null };
  /** a local group's profile or settings changed: its remote members' servers get Update(Group) */
  "group.updated": { groupId: string };
  /** a resident asked to join a remote group: the outbox sends the Follow (and stores its id on the membership) */
  "remote_group.join_requested": { membershipId: string; accountId: string; groupId: string };
  /** a resident left a remote group (or withdrew the request): the outbox sends Undo(Follow) */
  "remote_group.left": { membershipId: string; accountId: string; groupId: string; uri: string | null };
  /** the row is gone; what subscribers need to address the deletion is carried along */
  "status.deleted": {
    statusId: string;
    uri: string;
    accountId: string;
    local: boolean;
    visibility: Visibility;
    reblogOfId: string | null;
    mentionedAccountIds: string[];
    /** local accounts that could see it (followers, mentioned), computed before deletion */
    audienceAccountIds: string[];
    /** its hashtags (for the hashtag streams) */
    tagNames: string[];
    /** the group it was posted in (the group stream) */
    groupId?: string | null;
  };
  "favourite.created": { favouriteId: string; accountId: string; statusId: string };
  "favourite.removed": { favouriteId: string; uri: string | null; accountId: string; statusId: string };
  "follow.requested": { requestId: string; accountId: string; targetAccountId: string };
  "follow.created": { followId: string; accountId: string; targetAccountId: string; uri: string | null };
  /** a Follow was received again for an existing follow (its server lost our Accept): answered with Accept again */
  "follow.reconfirmed": { accountId: string; targetAccountId: string; uri: string };
  "follow.removed": { followId: string; uri: string | null; accountId: string; targetAccountId: string };
  "follow_request.rejected": { requestId: string; uri: string | null; accountId: string; targetAccountId: string };
  "follow_request.cancelled": { requestId: string; uri: string | null; accountId: string; targetAccountId: string };
  "block.created": { blockId: string; accountId: string; targetAccountId: string };
  "block.removed": { blockId: string; uri: string | null; accountId: string; targetAccountId: string };
  "account.updated": { accountId: string; local: boolean };
  /** an account moved to another (Move): its local followers were moved; the outbox sends Move for a resident */
  "account.moved": { accountId: string; targetAccountId: string; local: boolean };
  "account.deleted": { accountId: string; uri: string; local: boolean; followerInboxes: string[] };
  "notification.created": { notificationId: string; accountId: string };
  "notification.removed": { notificationIds: string[]; accountId: string };
  /** a resident's filters changed (streaming's filters_changed) */
  "filters.changed": { accountId: string };
  /** a direct conversation of a local participant changed (streaming's conversation event) */
  "conversation.updated": { accountConversationId: string; accountId: string };
  /** access tokens that stopped working (revoked, password changed, account gone): open streams close */
  "tokens.revoked": { userId: string; tokenIds: string[] | null };
  /** votes recorded (a resident's, or a remote account's on a local poll) */
  "poll.voted": { pollId: string; statusId: string; accountId: string; voteIds: string[] };
  /** a poll reached its end and its voters were notified */
  "poll.ended": { pollId: string; statusId: string };
  /** an announcement became visible to residents (published or edited): streamed as `announcement` */
  "announcement.published": { announcementId: string };
  /**
   * A moderation action was taken on an account, or lifted (server/domain/moderation/actions.ts).
   * `action` is one of account_actions.action.
   */
  "account.moderated": { actionId: string; accountId: string; action: string; local: boolean; reportId: string | null };
  /**
   * A resident asked that their report of a remote account be forwarded to its
   * server: the outbox sends a Flag from the instance actor (never naming the
   * reporter) to `inboxUrl`, naming the account and `statusUris`.
   */
  "report.forward_requested": {
    reportId: string;
    targetAccountId: string;
    targetAccountUri: string;
    inboxUrl: string;
    statusUris: string[];
    comment: string;
  };
  /** an announcement was withdrawn: streamed as `announcement.delete` */
  "announcement.deleted": { announcementId: string };
  /** the reaction count of an announcement changed: streamed as `announcement.reaction` */
  "announcement.reacted": { announcementId: string; name: string; count: number };
}

export type EventName = keyof DomainEvents;
type Listener<K extends EventName> = (payload: DomainEvents[K]) => void | Promise<void>;

export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<never>>>();
  private readonly pending = new Set<Promise<unknown>>();
  /**
   * Called once every subscriber has handled an event recorded in the event
   * journal (server/domain/event-journal.ts), so that it is not published again.
   */
  acknowledge: ((journalId: string) => Promise<void>) | undefined;

  private readonly onError: (error: unknown, event: EventName) => void;

  constructor(onError: (error: unknown, event: EventName) => void = () => {}) {
    this.onError = onError;
  }

  on<K extends EventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as Listener<never>;
    set.add(entry);
    return () => void set.delete(entry);
  }

  /** Runs every subscriber; `journalId` names the journal row to acknowledge once all of them succeeded. */
  emit<K extends EventName>(event: K, payload: DomainEvents[K], journalId?: string): void {
    const outcomes: Promise<boolean>[] = [];
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        const result = (listener as Listener<K>)(payload);
        if (result && typeof (result as Promise<void>).then === "function") {
          outcomes.push(
            (result as Promise<void>).then(
              () => true,
              (e) => {
                this.onError(e, event);
                return false;
              },
            ),
          );
        }
      } catch (e) {
        this.onError(e, event);
        outcomes.push(Promise.resolve(false));
      }
    }
    const acknowledge = this.acknowledge;
    if (outcomes.length === 0 && !(journalId && acknowledge)) return;
    const done = Promise.all(outcomes).then(async (results) => {
      // a failed subscriber leaves the row: the event is published again later
      if (journalId && acknowledge && results.every(Boolean)) await acknowledge(journalId).catch((e) => this.onError(e, event));
    });
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /** Resolves once every asynchronous listener started so far has finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/**
 * A bus that holds what is emitted on it until `flush`: events raised inside a
 * transaction go out once it has committed (subscribers then read rows that
 * exist), and never for a transaction rolled back.
 */
export class HeldEvents extends EventBus {
  private readonly held: Array<{ event: EventName; payload: unknown; journalId: string | undefined }> = [];

  override emit<K extends EventName>(event: K, payload: DomainEvents[K], journalId?: string): void {
    this.held.push({ event, payload, journalId });
  }

  /** Emits the held events on the real bus, in order, with their journal rows. */
  flush(target: EventBus): void {
    for (const { event, payload, journalId } of this.held.splice(0)) target.emit(event, payload as never, journalId);
  }
}
