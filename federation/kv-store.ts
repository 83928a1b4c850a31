// Fedify's key–value store on our own database (table fedify_kv), so caches,
// idempotency marks and circuit-breaker state survive restarts and are shared
// by every process on the same database (PGlite or PostgreSQL).
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../server/db/open";
import { jsonForJsonb } from "../server/unicode";

/** How often expired rows are swept (at most), piggy-backing on writes. */
const SWEEP_INTERVAL_MS = 5 * 60_000;

export interface DbKvStoreOptions {
  /**
   * Keys under these prefixes are not kept at all (reads find nothing, writes
   * are dropped): marks that would merely repeat one kept elsewhere — Fedify's
   * "activity processed" marks, where ours is received_activities, written
   * with the effects and read before a handler runs.
   */
  discarded?: KvKey[];
  /**
   * Keys under these prefixes are also kept in memory for `cacheMs` after
   * being read or written here: caches of remote data (public keys, fetched
   * documents) read on every inbox POST. Another process's write shows here
   * within `cacheMs`.
   */
  memoized?: KvKey[];
  cacheMs?: number;
  /** most entries kept in memory (oldest dropped first) */
  maxMemoryEntries?: number;
}

interface MemoryEntry {
  value: unknown;
  /** ms since epoch; Infinity = no expiry */
  expiresAt: number;
}

export class DbKvStore implements KvStore {
  private lastSweep = 0;
  private readonly memory = new Map<string, MemoryEntry>();
  private readonly discarded: string[];
  private readonly memoized: string[];
  private readonly cacheMs: number;
  private readonly maxMemoryEntries: number;

  private readonly db: Db;

  constructor(db: Db, options: DbKvStoreOptions = {}) {
    this.db = db;
    this.discarded = (options.discarded ?? []).map(prefixOf);
    this.memoized = (options.memoized ?? []).map(prefixOf);
    this.cacheMs = options.cacheMs ?? 30_000;
    this.maxMemoryEntries = options.maxMemoryEntries ?? 10_000;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const k = encodeKey(key);
    if (this.isDiscarded(k)) return undefined;
    if (this.isMemoized(k)) {
      const entry = this.memory.get(k);
      if (entry && entry.expiresAt > Date.now()) return entry.value as T;
      if (entry) this.memory.delete(k);
    }
    const rows = await this.query<{ value: unknown; ttl_ms: number | null }>(
      sql`select value, (extract(epoch from expires_at - now()) * 1000)::float8 as ttl_ms from fedify_kv where key = ${k} and ${notExpired()}`,
    );
    if (rows.length === 0) return undefined;
    if (this.isMemoized(k)) {
      const ttl = rows[0].ttl_ms === null ? this.cacheMs : Math.min(this.cacheMs, Number(rows[0].ttl_ms));
      this.remember(k, rows[0].value, ttl);
    }
    return rows[0].value as T;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const k = encodeKey(key);
    if (this.isDiscarded(k)) return;
    this.memory.delete(k);
    await this.query(sql`
      insert into fedify_kv (key, value, expires_at)
      values (${encodeKey(key)}, ${encodeValue(value)}::jsonb, ${expiresAt(options)})
      on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at`);
    if (this.isMemoized(k)) this.remember(k, value ?? null, Math.min(this.cacheMs, options?.ttl ? durationMs(options.ttl) : Infinity));
    await this.maybeSweep();
  }

  async delete(key: KvKey): Promise<void> {
    const k = encodeKey(key);
    this.memory.delete(k);
    if (this.isDiscarded(k)) return;
    await this.query(sql`delete from fedify_kv where key = ${k}`);
  }

  /**
   * Atomic in the database: an absent (or expired) key matches `undefined`;
   * values are compared as JSON, the way they are stored.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const k = encodeKey(key);
    // always absent: a swap from "absent" succeeds (and is dropped), any other fails
    if (this.isDiscarded(k)) return expectedValue === undefined;
    this.memory.delete(k);
    if (expectedValue === undefined) {
      const rows = await this.query(sql`
        insert into fedify_kv (key, value, expires_at)
        values (${k}, ${encodeValue(newValue)}::jsonb, ${expiresAt(options)})
        on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at
          where fedify_kv.expires_at is not null and fedify_kv.expires_at <= now()
        returning key`);
      return rows.length === 1;
    }
    const rows = await this.query(sql`
      update fedify_kv set value = ${encodeValue(newValue)}::jsonb, expires_at = ${expiresAt(options)}
      where key = ${k} and value = ${encodeValue(expectedValue)}::jsonb and ${notExpired()}
      returning key`);
    return rows.length === 1;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    // A key array encodes as `["a","b"]`; every key under the prefix ["a"]
    // starts with `["a",` — or is exactly `["a"]`.
    const filter =
      prefix === undefined
        ? sql`true`
        : sql`(key = ${encodeKey(prefix)} or left(key, ${encodeKey(prefix).length}::int) = ${encodeKey(prefix).slice(0, -1) + ","})`;
    const rows = await this.query<{ key: string; value: unknown }>(
      sql`select key, value from fedify_kv where ${filter} and ${notExpired()} order by key`,
    );
    for (const row of rows) yield { key: JSON.parse(row.key) as KvKey, value: row.value };
  }

  private isDiscarded(encodedKey: string): boolean {
    return this.discarded.some((p) => encodedKey.startsWith(p));
  }

  private isMemoized(encodedKey: string): boolean {
    return this.memoized.some((p) => encodedKey.startsWith(p));
  }

  private remember(encodedKey: string, value: unknown, ttlMs: number): void {
    if (!(ttlMs > 0)) return;
    this.memory.delete(encodedKey);
    this.memory.set(encodedKey, { value, expiresAt: Date.now() + ttlMs });
    // a Map iterates in insertion order: the first entries are the oldest
    for (const oldest of this.memory.keys()) {
      if (this.memory.size <= this.maxMemoryEntries) break;
      this.memory.delete(oldest);
    }
  }

  /** Removes expired rows now (also done now and then on writes). */
  async sweep(): Promise<void> {
    this.lastSweep = Date.now();
    await this.query(sql`delete from fedify_kv where expires_at is not null and expires_at <= now()`);
  }

  private async maybeSweep(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_INTERVAL_MS) return;
    await this.sweep();
  }

  private async query<T = Record<string, unknown>>(query: SQL): Promise<T[]> {
    const result = (await this.db.execute(query)) as unknown as { rows: T[] };
    return result.rows;
  }
}

function encodeKey(key: KvKey): string {
  return JSON.stringify(key);
}

/** What every key under `prefix` starts with, encoded: `["a","b",` (a key equal to the prefix is not under it). */
function prefixOf(prefix: KvKey): string {
  return encodeKey(prefix).slice(0, -1) + ",";
}

function encodeValue(value: unknown): string {
  // jsonb has no `undefined`, nor lone surrogates (cached remote documents may hold them)
  return jsonForJsonb(value);
}

function notExpired(): SQL {
  return sql`(expires_at is null or expires_at > now())`;
}

/** The TTL becomes an absolute time computed by the database clock, shared by every process. */
function expiresAt(options?: KvStoreSetOptions): SQL {
  const ms = options?.ttl ? durationMs(options.ttl) : null;
  return ms === null ? sql`null::timestamptz` : sql`now() + ${ms}::double precision * interval '1 millisecond'`;
}

/** Milliseconds in a Temporal.Duration (typed loosely: Temporal is not in TypeScript's lib here). */
export function durationMs(duration: { total(options: { unit: "millisecond" }): number } | unknown): number {
  const ms = (duration as { total(options: { unit: "millisecond" }): number }).total({ unit: "millisecond" });
  return Math.max(0, Math.round(ms));
}
