// The in-process bus that domain modules publish to. Realtime and federation
// subscribe; a failing subscriber never fails the domain write that published.
import { EventEmitter } from "node:events";
import type { Visibility } from "./db/schema";

export interface DomainEvents {
  "status.created": { statusId: string; accountId: string; local: boolean };
  "status.updated": { statusId: string; accountId: string; local: boolean };
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
  };
  "favourite.created": { favouriteId: string; accountId: string; statusId: string };
  "favourite.removed": { favouriteId: string; uri: string | null; accountId: string; statusId: string };
  "follow.requested": { requestId: string; accountId: string; targetAccountId: string };
  "follow.created": { followId: string; accountId: string; targetAccountId: string; uri: string | null };
  "follow.removed": { followId: string; uri: string | null; accountId: string; targetAccountId: string };
  "follow_request.rejected": { requestId: string; uri: string | null; accountId: string; targetAccountId: string };
  "follow_request.cancelled": { requestId: string; uri: string | null; accountId: string; targetAccountId: string };
  "block.created": { blockId: string; accountId: string; targetAccountId: string };
  "block.removed": { blockId: string; uri: string | null; accountId: string; targetAccountId: string };
  "account.updated": { accountId: string; local: boolean };
  "account.deleted": { accountId: string; uri: string; local: boolean; followerInboxes: string[] };
  "notification.created": { notificationId: string; accountId: string };
  "notification.removed": { notificationIds: string[]; accountId: string };
}

export type EventName = keyof DomainEvents;
type Listener<K extends EventName> = (payload: DomainEvents[K]) => void | Promise<void>;

export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly onError: (error: unknown, event: EventName) => void = () => {}) {
    this.emitter.setMaxListeners(100);
  }

  on<K extends EventName>(event: K, listener: Listener<K>): () => void {
    const wrapped = (payload: DomainEvents[K]) => {
      try {
        const result = listener(payload);
        if (result && typeof (result as Promise<void>).then === "function") {
          const p = (result as Promise<void>).catch((e) => this.onError(e, event));
          this.pending.add(p);
          void p.finally(() => this.pending.delete(p));
        }
      } catch (e) {
        this.onError(e, event);
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  emit<K extends EventName>(event: K, payload: DomainEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  /** Resolves once every asynchronous listener started so far has finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
