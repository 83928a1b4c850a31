import { Temporal } from "@js-temporal/polyfill";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/open";
import { DbKvStore } from "../../federation/kv-store";
import { openTestDatabase, resetDatabase } from "../helpers/db";
import { sleep } from "../helpers/wait";

let database: Database;
let kv: DbKvStore;

beforeAll(async () => {
  database = await openTestDatabase();
  kv = new DbKvStore(database.db);
}, 180_000);
afterAll(() => database?.close());
beforeEach(() => resetDatabase(database.db));

async function collect(prefix?: readonly [string, ...string[]]) {
  const out: Array<{ key: readonly string[]; value: unknown }> = [];
  for await (const entry of kv.list(prefix as never)) out.push(entry);
  return out;
}

describe("DbKvStore", () => {
  it("returns what was set under a key", async () => {
    await kv.set(["_fedify", "doc", "https://a.example/x"], { id: "x", n: [1, 2] });
    expect(await kv.get(["_fedify", "doc", "https://a.example/x"])).toEqual({ id: "x", n: [1, 2] });
  });

  it("returns undefined for a key never set", async () => {
    expect(await kv.get(["nothing", "here"])).toBeUndefined();
  });

  it("replaces the value when a key is set again", async () => {
    await kv.set(["k"], 1);
    await kv.set(["k"], 2);
    expect(await kv.get(["k"])).toBe(2);
  });

  it("forgets a value once its ttl has passed", async () => {
    await kv.set(["short"], "soon gone", { ttl: Temporal.Duration.from({ milliseconds: 150 }) });
    expect(await kv.get(["short"])).toBe("soon gone");
    await sleep(300);
    expect(await kv.get(["short"])).toBeUndefined();
  });

  it("deletes a key", async () => {
    await kv.set(["gone"], true);
    await kv.delete(["gone"]);
    expect(await kv.get(["gone"])).toBeUndefined();
  });

  it("cas swaps when the current value is the expected one", async () => {
    await kv.set(["c"], { state: "closed", failures: 1 });
    expect(await kv.cas(["c"], { state: "closed", failures: 1 }, { state: "open", failures: 2 })).toBe(true);
    expect(await kv.get(["c"])).toEqual({ state: "open", failures: 2 });
  });

  it("cas refuses when the current value differs", async () => {
    await kv.set(["c"], 1);
    expect(await kv.cas(["c"], 5, 2)).toBe(false);
    expect(await kv.get(["c"])).toBe(1);
  });

  it("cas with undefined expected creates an absent key but not an existing one", async () => {
    expect(await kv.cas(["new"], undefined, "first")).toBe(true);
    expect(await kv.cas(["new"], undefined, "second")).toBe(false);
    expect(await kv.get(["new"])).toBe("first");
  });

  it("cas treats an expired key as absent", async () => {
    await kv.set(["exp"], "old", { ttl: Temporal.Duration.from({ milliseconds: 50 }) });
    await sleep(120);
    expect(await kv.cas(["exp"], undefined, "fresh")).toBe(true);
    expect(await kv.get(["exp"])).toBe("fresh");
  });

  it("lists the entries under a prefix, and only those", async () => {
    await kv.set(["a", "1"], 1);
    await kv.set(["a", "2"], 2);
    await kv.set(["ab", "3"], 3);
    await kv.set(["b"], 4);
    const keys = (await collect(["a"])).map((e) => e.key);
    expect(keys).toEqual([
      ["a", "1"],
      ["a", "2"],
    ]);
  });

  it("does not list expired entries", async () => {
    await kv.set(["p", "live"], 1);
    await kv.set(["p", "dead"], 2, { ttl: Temporal.Duration.from({ milliseconds: 30 }) });
    await sleep(100);
    expect((await collect(["p"])).map((e) => e.key)).toEqual([["p", "live"]]);
  });

  it("keeps keys with characters that matter to SQL patterns apart", async () => {
    await kv.set(["x%", "1"], "percent");
    await kv.set(["xy", "1"], "plain");
    expect((await collect(["x%"])).map((e) => e.value)).toEqual(["percent"]);
  });
});

describe("DbKvStore memory layers", () => {
  async function rows(): Promise<number> {
    const r = (await database.db.execute(sql`select count(*)::int as n from fedify_kv`)) as unknown as { rows: { n: number }[] };
    return Number(r.rows[0].n);
  }

  it("keeps nothing under a discarded prefix", async () => {
    const store = new DbKvStore(database.db, { discarded: [["marks"]] });
    await store.set(["marks", "https://remote.example/activities/1"], true);
    expect({ value: await store.get(["marks", "https://remote.example/activities/1"]), rows: await rows() }).toEqual({ value: undefined, rows: 0 });
  });

  it("keeps the keys beside a discarded prefix", async () => {
    const store = new DbKvStore(database.db, { discarded: [["marks"]] });
    await store.set(["marksman"], "kept");
    await store.set(["marks"], "kept too");
    expect([await store.get(["marksman"]), await store.get(["marks"])]).toEqual(["kept", "kept too"]);
  });

  it("answers a memoized key from memory while another process's change is younger than the cache time", async () => {
    const here = new DbKvStore(database.db, { memoized: [["keys"]], cacheMs: 60_000 });
    const elsewhere = new DbKvStore(database.db);
    await elsewhere.set(["keys", "k"], "old");
    expect(await here.get(["keys", "k"])).toBe("old");
    await elsewhere.set(["keys", "k"], "new");
    expect(await here.get(["keys", "k"])).toBe("old");
  });

  it("reads a memoized key from the database again once the cache time has passed", async () => {
    const here = new DbKvStore(database.db, { memoized: [["keys"]], cacheMs: 100 });
    const elsewhere = new DbKvStore(database.db);
    await elsewhere.set(["keys", "k"], "old");
    await here.get(["keys", "k"]);
    await elsewhere.set(["keys", "k"], "new");
    await sleep(150);
    expect(await here.get(["keys", "k"])).toBe("new");
  });

  it("writes a memoized key through to the database", async () => {
    const here = new DbKvStore(database.db, { memoized: [["keys"]] });
    await here.set(["keys", "k"], { pem: "…" });
    expect(await new DbKvStore(database.db).get(["keys", "k"])).toEqual({ pem: "…" });
  });

  it("does not serve a memoized key past the ttl it was stored with", async () => {
    const here = new DbKvStore(database.db, { memoized: [["keys"]], cacheMs: 60_000 });
    await here.set(["keys", "k"], "short", { ttl: Temporal.Duration.from({ milliseconds: 100 }) });
    await sleep(150);
    expect(await here.get(["keys", "k"])).toBeUndefined();
  });

  it("forgets a deleted memoized key at once", async () => {
    const here = new DbKvStore(database.db, { memoized: [["keys"]] });
    await here.set(["keys", "k"], "v");
    await here.delete(["keys", "k"]);
    expect(await here.get(["keys", "k"])).toBeUndefined();
  });
});
