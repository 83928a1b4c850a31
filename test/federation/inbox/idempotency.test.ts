import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../../server/db/open";
import { receivedActivities } from "../../../server/db/schema";
import { processOnce, pruneProcessedActivities } from "../../../federation/inbox/idempotency";
import { openTestDatabase, resetDatabase } from "../../helpers/db";

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
}, 180_000);
afterAll(() => database?.close());
beforeEach(() => resetDatabase(database.db));

const id = { origin: "https://remote.example", uri: "https://remote.example/activities/1" };

describe("processOnce", () => {
  it("runs the effects of an activity the first time", async () => {
    let runs = 0;
    await processOnce(database.db, id, async () => {
      runs++;
    });
    expect(runs).toBe(1);
  });

  it("does not run the effects of the same activity twice", async () => {
    let runs = 0;
    const effects = async () => {
      runs++;
    };
    const results = [await processOnce(database.db, id, effects), await processOnce(database.db, id, effects)];
    expect([runs, results]).toEqual([1, [true, false]]);
  });

  it("lets an activity whose effects failed be processed again", async () => {
    await processOnce(database.db, id, async () => {
      throw new Error("database hiccup");
    }).catch(() => {});
    let runs = 0;
    await processOnce(database.db, id, async () => {
      runs++;
    });
    expect(runs).toBe(1);
  });

  it("runs the same id again when another origin sends it", async () => {
    let runs = 0;
    const effects = async () => {
      runs++;
    };
    const other = { origin: "https://other.example", uri: id.uri };
    const results = [await processOnce(database.db, id, effects), await processOnce(database.db, other, effects)];
    expect([runs, results]).toEqual([2, [true, true]]);
  });

  it("always runs an activity without id, and remembers nothing of it", async () => {
    let runs = 0;
    await processOnce(database.db, null, async () => {
      runs++;
    });
    await processOnce(database.db, null, async () => {
      runs++;
    });
    expect([runs, (await database.db.select().from(receivedActivities)).length]).toEqual([2, 0]);
  });
});

describe("pruneProcessedActivities", () => {
  it("forgets activity ids older than the retention and keeps recent ones", async () => {
    await database.db.insert(receivedActivities).values([
      { origin: "https://old.example", uri: "https://old.example/a/1", receivedAt: new Date(Date.now() - 40 * 86400_000) },
      { origin: "https://new.example", uri: "https://new.example/a/2", receivedAt: new Date() },
    ]);
    expect(await pruneProcessedActivities(database.db)).toBe(1);
    const left = await database.db.select().from(receivedActivities);
    expect(left.map((r) => r.uri)).toEqual(["https://new.example/a/2"]);
  });
});
