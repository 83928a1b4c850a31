// statuses_count, followers_count and following_count come from account_stats,
// which triggers keep; these tests prove the counts follow every kind of write.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { block } from "../../server/domain/blocks";
import { follow, unfollow } from "../../server/domain/follows";
import { reblog } from "../../server/domain/interactions";
import { deleteStatus } from "../../server/domain/statuses";
import { rowsOf } from "../../server/db/rows";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

async function countsOf(who: Resident) {
  const res = await t.http.get(`/api/v1/accounts/${who.account.id}`);
  expect(res.status).toBe(200);
  return { statuses: res.body.statuses_count, followers: res.body.followers_count, following: res.body.following_count };
}

/** Accounts whose stored counters differ from a recount of their rows. */
async function driftedAccounts(): Promise<string[]> {
  const result = await t.services.db.execute(sql`select a.id::text as id from accounts a join account_stats st on st.account_id = a.id
    where st.statuses_count <> (select count(*) from statuses s where s.account_id = a.id)
       or st.followers_count <> (select count(*) from follows f where f.target_account_id = a.id)
       or st.following_count <> (select count(*) from follows f where f.account_id = a.id)`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

describe("account counters", () => {
  it("a new account starts with a counters row at zero", async () => {
    const alice = await createResident(t, "alice");
    expect(await countsOf(alice)).toEqual({ statuses: 0, followers: 0, following: 0 });
    const rows = rowsOf<{ n: number }>(await t.services.db.execute(sql`select count(*)::int as n from account_stats where account_id = ${alice.account.id}`));
    expect(rows[0].n).toBe(1);
  });

  it("posting, reblogging and deleting move statuses_count", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const first = await createPost(t, alice, "Premier message");
    await createPost(t, alice, "Deuxième message");
    await reblog(t.services.domain, alice.account, (await createPost(t, bob, "À partager")).id);
    expect((await countsOf(alice)).statuses).toBe(3);
    await deleteStatus(t.services.domain, alice.account.id, first.id);
    expect((await countsOf(alice)).statuses).toBe(2);
    expect(await driftedAccounts()).toEqual([]);
  });

  it("following and unfollowing move both sides' counts", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    expect(await countsOf(alice)).toMatchObject({ following: 1, followers: 0 });
    expect(await countsOf(bob)).toMatchObject({ following: 0, followers: 1 });
    await unfollow(t.services.domain, alice.account.id, bob.account.id);
    expect(await countsOf(alice)).toMatchObject({ following: 0 });
    expect(await countsOf(bob)).toMatchObject({ followers: 0 });
  });

  it("an accepted follow request counts once it is authorized", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth);
    expect((await countsOf(bob)).followers).toBe(0);
    const res = await t.http.post(`/api/v1/follow_requests/${alice.account.id}/authorize`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect((await countsOf(bob)).followers).toBe(1);
  });

  it("a block removes the follows it cuts from the counts", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    await follow(t.services.domain, bob.account, alice.account);
    await block(t.services.domain, alice.account.id, bob.account.id);
    expect(await countsOf(alice)).toMatchObject({ followers: 0, following: 0 });
    expect(await countsOf(bob)).toMatchObject({ followers: 0, following: 0 });
  });

  it("deleting an account takes its follows out of the others' counts", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    await createPost(t, alice, "Au revoir");
    await t.services.db.execute(sql`delete from accounts where id = ${alice.account.id}`);
    expect((await countsOf(bob)).followers).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });

  it("the same counts come with statuses in a timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    await createPost(t, alice, "Un");
    await createPost(t, alice, "Deux");
    const res = await t.http.get("/api/v1/timelines/home").set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body[0].account).toMatchObject({ statuses_count: 2, followers_count: 1, following_count: 0 });
  });
});
