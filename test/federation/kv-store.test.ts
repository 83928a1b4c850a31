import { Temporal } from "@js-temporal/polyfill";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/open";
import { DbKvStore } from "../../federation/kv-store";
import { openTestDatabase, resetDatabase } from "../helpers/db";

let database: Database;
let kv: DbKvStore;

beforeAll(async () => {
  database = await openTestDatabase();
  kv = new DbKvStore(database.db);
}, 180_000);
afterAll(() => database?.close());
beforeEach(() => resetDatabase(database.db));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
