// Scheduled statuses: kept until their time, listed, moved, cancelled, published by the job.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startInstance, useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { publishDueStatuses } from "../../server/domain/statuses";
import { openTestDatabase } from "../helpers/db";
import { jobsModule } from "../../server/jobs";
import { registerAccount } from "../../server/domain/accounts";
import { scheduleStatus } from "../../server/domain/statuses";
import { sleep } from "../helpers/wait";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function schedule(who: Resident, body: Record<string, unknown> = {}) {
  return t.http
    .post("/api/v1/statuses")
    .set("Authorization", who.auth)
    .send({ status: "Conseil municipal ce soir", scheduled_at: inMinutes(60), ...body });
}

/** Brings every scheduled status's time into the past (time passing, without waiting). */
async function makeDue() {
  await t.services.db.execute(sql`update scheduled_statuses set scheduled_at = now() - interval '1 second'`);
}

describe("scheduling a status", () => {
  it("answers a ScheduledStatus and stores no status yet", async () => {
    const alice = await createResident(t, "alice");
    const at = inMinutes(30);
    const res = await schedule(alice, { scheduled_at: at, visibility: "unlisted", spoiler_text: "Ordre du jour" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      scheduled_at: at,
      params: { text: "Conseil municipal ce soir", visibility: "unlisted", spoiler_text: "Ordre du jour", poll: null },
      media_attachments: [],
    });
    expect(await countRows(t, "statuses")).toBe(0);
    expect(await countRows(t, "scheduled_statuses")).toBe(1);
  });

  it("less than five minutes ahead is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await schedule(alice, { scheduled_at: inMinutes(2) });
    expect(res.status).toBe(422);
    expect(await countRows(t, "scheduled_statuses")).toBe(0);
  });

  it("a scheduled status with a poll keeps the poll for its publication", async () => {
    const alice = await createResident(t, "alice");
    const res = await schedule(alice, { poll: { options: ["Oui", "Non"], expires_in: 3600 } });
    expect(res.body.params.poll).toEqual({ options: ["Oui", "Non"], expires_in: "3600", multiple: false, hide_totals: false });
    await makeDue();
    const { published } = await publishDueStatuses(t.services.domain);
    expect(published).toHaveLength(1);
    const status = await t.http.get(`/api/v1/statuses/${published[0].id}`);
    expect(status.body.poll.options.map((o: { title: string }) => o.title)).toEqual(["Oui", "Non"]);
  });

  it("an empty text is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await schedule(alice, { status: "" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "scheduled_statuses")).toBe(0);
  });
});

describe("listing, moving and cancelling", () => {
  it("lists one's own scheduled statuses only", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const mine = await schedule(alice);
    await schedule(bob);
    const res = await t.http.get("/api/v1/scheduled_statuses").set("Authorization", alice.auth);
    expect(res.body.map((s: { id: string }) => s.id)).toEqual([mine.body.id]);
  });

  it("someone else's scheduled status is not found, to read, move or cancel", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { body } = await schedule(alice);
    const path = `/api/v1/scheduled_statuses/${body.id}`;
    expect((await t.http.get(path).set("Authorization", bob.auth)).status).toBe(404);
    expect((await t.http.put(path).set("Authorization", bob.auth).send({ scheduled_at: inMinutes(90) })).status).toBe(404);
    expect((await t.http.delete(path).set("Authorization", bob.auth)).status).toBe(404);
    expect(await countRows(t, "scheduled_statuses")).toBe(1);
  });

  it("moving it changes its time", async () => {
    const alice = await createResident(t, "alice");
    const { body } = await schedule(alice);
    const at = inMinutes(120);
    const res = await t.http.put(`/api/v1/scheduled_statuses/${body.id}`).set("Authorization", alice.auth).send({ scheduled_at: at });
    expect(res.status).toBe(200);
    expect(res.body.scheduled_at).toBe(at);
    const read = await t.http.get(`/api/v1/scheduled_statuses/${body.id}`).set("Authorization", alice.auth);
    expect(read.body.scheduled_at).toBe(at);
  });

  it.each([["in the past", "2020-01-01T00:00:00Z"], ["not a date", "jeudi"], ["a number", 5]])(
    "moving it to a time %s is refused with 422",
    async (_label, at) => {
      const alice = await createResident(t, "alice");
      const { body } = await schedule(alice);
      const res = await t.http.put(`/api/v1/scheduled_statuses/${body.id}`).set("Authorization", alice.auth).send({ scheduled_at: at });
      expect(res.status).toBe(422);
      const read = await t.http.get(`/api/v1/scheduled_statuses/${body.id}`).set("Authorization", alice.auth);
      expect(read.body.scheduled_at).toBe(body.scheduled_at);
    },
  );

  it("cancelling it removes it", async () => {
    const alice = await createResident(t, "alice");
    const { body } = await schedule(alice);
    const res = await t.http.delete(`/api/v1/scheduled_statuses/${body.id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(await countRows(t, "scheduled_statuses")).toBe(0);
  });

  it("without a token, the list is refused with 401", async () => {
    expect((await t.http.get("/api/v1/scheduled_statuses")).status).toBe(401);
  });
});

describe("publication", () => {
  it("a due status is published as its author's, and its row goes", async () => {
    const alice = await createResident(t, "alice");
    await schedule(alice, { visibility: "unlisted" });
    await makeDue();
    const { published } = await publishDueStatuses(t.services.domain);
    expect(published.map((s) => [s.accountId, s.visibility, s.text])).toEqual([[alice.account.id, "unlisted", "Conseil municipal ce soir"]]);
    expect(await countRows(t, "scheduled_statuses")).toBe(0);
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/statuses`);
    expect(res.body.map((s: { id: string }) => s.id)).toEqual([published[0].id]);
  });

  it("a status not yet due is left for later", async () => {
    const alice = await createResident(t, "alice");
    await schedule(alice);
    const { published } = await publishDueStatuses(t.services.domain);
    expect(published).toEqual([]);
    expect(await countRows(t, "scheduled_statuses")).toBe(1);
  });

  it("a status whose parent was deleted meanwhile is dropped, not retried forever", async () => {
    const alice = await createResident(t, "alice");
    const parent = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Parent" });
    await schedule(alice, { in_reply_to_id: parent.body.id });
    await t.http.delete(`/api/v1/statuses/${parent.body.id}`).set("Authorization", alice.auth);
    await makeDue();
    const outcome = await publishDueStatuses(t.services.domain);
    expect([outcome.published.length, outcome.dropped.length]).toEqual([0, 1]);
    expect(await countRows(t, "scheduled_statuses")).toBe(0);
  });
});

describe("durability", () => {
  it("a status scheduled before a restart is published by the next process", async () => {
    const database = await openTestDatabase();
    const first = await startInstance({ database, keepDatabase: true });
    try {
      const { account } = await registerAccount(first.services.domain, { username: "alice", password: "correct horse battery", force: true });
      await scheduleStatus(first.services.domain, account, new Date(Date.now() + 10 * 60_000), {
        text: "Publié après redémarrage",
        visibility: "public",
        spoiler_text: "",
        sensitive: false,
        in_reply_to_id: null,
        language: null,
        media_ids: [],
        poll: null,
        application_id: null,
      });
    } finally {
      await first.stop();
    }
    await database.db.execute(sql`update scheduled_statuses set scheduled_at = now() - interval '1 second'`);
    const second = await startInstance({ database, modules: () => [jobsModule({ intervalMs: 200 })] });
    try {
      let texts: string[] = [];
      for (let i = 0; i < 100 && texts.length === 0; i++) {
        await sleep(100);
        const res = await second.http.get("/api/v1/timelines/public?local=true");
        texts = res.body.map((s: { content: string }) => s.content);
      }
      expect(texts).toEqual([expect.stringContaining("Publié après redémarrage")]);
    } finally {
      await second.stop();
    }
  });
});
