import type { Config } from "../config";
import type { DbOrTx } from "../db/open";
import type { accounts } from "../db/schema";
import type { EventBus } from "../events";

/**
 * Finds (fetching it from its server when needed) a remote account by
 * username and domain. Provided by federation; absent, only known accounts resolve.
 */
export type RemoteAccountResolver = (username: string, domain: string) => Promise<typeof accounts.$inferSelect | null>;

/**
 * Fetches a remote actor again from its server (whatever we stored) and
 * stores it: for checks that must see its current state, such as its aliases
 * before a move. A local URL gives the local account. Provided by federation.
 */
export type RemoteAccountRefresher = (uri: string) => Promise<typeof accounts.$inferSelect | null>;

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

/**
 * Where media files live (server/domain/media/store.ts implements it: the data
 * directory, or an S3-compatible bucket). Keys, never paths: "123.jpg",
 * "cache/ab12….webp". Declared here, by what the context needs, so that the
 * context does not import the media concept.
 */
/** Bytes asked for: from `start` to `end` inclusive (null: to the end), or the last `suffix` bytes. */
export type ByteRange = { start: number; end: number | null } | { suffix: number };

/** A file read from a media store. */
export type StoredFile =
  | {
      stream: NodeJS.ReadableStream;
      /** bytes in `stream` */
      size: number | null;
      /** the whole file's size, when known */
      totalSize?: number | null;
      /** the bytes sent, when only part of the file is */
      range?: { start: number; end: number };
      contentType: string | null;
      unsatisfiable?: undefined;
    }
  | { stream: null; size: 0; totalSize: number; range?: undefined; contentType: string | null; unsatisfiable: true };

export interface MediaStore {
  /** writes the whole file; readers never see a partial one */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /**
   * The file as a stream, or null when there is none; with a range, only those
   * bytes (`range` tells which were given; a store may ignore ranges and send
   * the whole file), or `unsatisfiable` when the range lies past its end.
   */
  get(key: string, range?: ByteRange): Promise<StoredFile | null>;
  /** removes the file; a missing one is not an error */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** Why a remote file could not be fetched (the fetcher maps its own errors to these). */
export type RemoteFetchFailure = "refused" | "too-large" | "unavailable";

/**
 * Fetches a remote file's bytes for the media cache, at most `maxBytes`
 * (SSRF-guarded, domain policy honoured). Provided by federation.
 */
export type RemoteMediaFetcher = (url: string, maxBytes: number) => Promise<{ ok: true; bytes: Buffer } | { ok: false; failure: RemoteFetchFailure; message: string }>;

/** What every domain function receives: the database (or a transaction), the event bus and the configuration. */
export interface DomainContext {
  db: DbOrTx;
  events: EventBus;
  config: Config;
  resolveRemoteAccount?: RemoteAccountResolver;
  resolveRemoteUrl?: RemoteUrlResolver;
  refreshRemoteAccount?: RemoteAccountRefresher;
  tombstones?: RemoteTombstones;
  /** accounts by ActivityPub id, for the lookups every incoming activity makes */
  accountCache?: AccountLookupCache;
  /** where media files are stored (the data directory when absent) */
  mediaStore?: MediaStore;
  /** fetches remote media for the cache served from our origin */
  fetchRemoteMedia?: RemoteMediaFetcher;
}
