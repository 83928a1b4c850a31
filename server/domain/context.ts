import type { Config } from "../config";
import type { DbOrTx } from "../db/open";
import type { accounts } from "../db/schema";
import type { EventBus } from "../events";

/**
 * Finds (fetching it from its server when needed) a remote account by
 * username and domain. Provided by federation; absent, only known accounts resolve.
 */
export type RemoteAccountResolver = (username: string, domain: string) => Promise<typeof accounts.$inferSelect | null>;

/** Finds (fetching it when needed) the account or status an ActivityPub URL names. Provided by federation. */
export type RemoteUrlResolver = (url: string) => Promise<{ accountId?: string; statusId?: string } | null>;

/**
 * Remote objects deleted at their origin, so that no cached copy of one is
 * stored again. Provided by federation (federation/tombstones.ts).
 */
export interface RemoteTombstones {
  remember(uri: string): Promise<void>;
  isDeleted(uri: string): Promise<boolean>;
}

/**
 * Accounts by ActivityPub id, remembered briefly (accounts/cache.ts implements
 * it). Declared here, by what the context needs, so that the context (below
 * every concept) does not import the accounts concept.
 */
export interface AccountLookupCache {
  get(uri: string): typeof accounts.$inferSelect | undefined;
  set(account: typeof accounts.$inferSelect): void;
  clear(): void;
}

/** What every domain function receives: the database (or a transaction), the event bus and the configuration. */
export interface DomainContext {
  db: DbOrTx;
  events: EventBus;
  config: Config;
  resolveRemoteAccount?: RemoteAccountResolver;
  resolveRemoteUrl?: RemoteUrlResolver;
  tombstones?: RemoteTombstones;
  /** accounts by ActivityPub id, for the lookups every incoming activity makes */
  accountCache?: AccountLookupCache;
}
