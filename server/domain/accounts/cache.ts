// Accounts by ActivityPub id, remembered for a few seconds. Every incoming
// activity reads its sender's account, and most read the residents they
// mention: the same handful of rows, over and over, at a statement each. Any
// change to an account in this process ("account.updated", "account.deleted")
// empties the cache; a change made by another process is seen within the TTL.
import type { EventBus } from "../../events";
import type { AccountLookupCache } from "../context";
import type { Account } from "./local";

export const ACCOUNT_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export class AccountUriCache implements AccountLookupCache {
  private readonly entries = new Map<string, { account: Account; until: number }>();

  private readonly ttlMs: number;

  constructor(events: EventBus, ttlMs = ACCOUNT_CACHE_TTL_MS) {
    this.ttlMs = ttlMs;
    events.on("account.updated", () => this.clear());
    events.on("account.deleted", () => this.clear());
  }

  get(uri: string): Account | undefined {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    if (entry.until < Date.now()) {
      this.entries.delete(uri);
      return undefined;
    }
    return entry.account;
  }

  set(account: Account): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(account.uri, { account, until: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
