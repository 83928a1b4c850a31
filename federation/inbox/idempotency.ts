// "The same activity twice, or via a personal and the shared inbox, has one
// effect" — kept in the database (received_activities), not only in a cache.
// The mark and the effects share one transaction: if the effects fail, the
// mark is rolled back and Fedify's retry can process the activity again.
//
// An id is remembered together with the origin of the server that sent it
// (the verified actor's): another server reusing the id — by mistake, or to
// "use up" the id of someone's future Delete — marks nothing for the real
// sender.
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../../server/db/open";

export interface ActivityKey {
  /** origin of the actor whose signature was verified */
  origin: string;
  /** the activity's id */
  uri: string;
}

/** The deduplication key of an activity sent by `actorId`; null when it has no id. */
export function activityKey(activityId: URL | null, actorId: URL): ActivityKey | null {
  return activityId ? { origin: actorId.origin, uri: activityId.href } : null;
}

/**
 * Runs `effects` unless the activity was processed before. Returns false for
 * a duplicate. An activity without an id (transient) cannot be deduplicated and always runs.
 */
export async function processOnce(db: Db, key: ActivityKey | null, effects: (tx: DbOrTx) => Promise<void>): Promise<boolean> {
  if (!key) {
    await effects(db);
    return true;
  }
  return db.transaction(async (tx) => {
    const result = (await tx.execute(
      sql`insert into received_activities (origin, uri) values (${key.origin}, ${key.uri}) on conflict (origin, uri) do nothing returning uri`,
    )) as unknown as { rows: unknown[] };
    if (result.rows.length === 0) return false;
    await effects(tx);
    return true;
  });
}

/** How long an activity id is remembered: far longer than any sender keeps retrying. */
export const PROCESSED_RETENTION_DAYS = 30;

/** Forgets activity ids older than the retention, so the table does not grow forever. */
export async function pruneProcessedActivities(db: Db, days = PROCESSED_RETENTION_DAYS): Promise<number> {
  const result = (await db.execute(
    sql`delete from received_activities where received_at < now() - make_interval(days => ${days}) returning uri`,
  )) as unknown as { rows: unknown[] };
  return result.rows.length;
}
