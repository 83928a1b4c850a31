// The commune's announcements: admins write, schedule, end and delete them;
// residents read them, mark them read and react.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { rowsOf } from "../../server/db/rows";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const ADMIN = "/api/parvis/admin/announcements";

async function admin() {
  return createResident(t, "maire", { role: "admin" });
}

async function announce(by: Resident, body: Record<string, unknown> = {}) {
  const res = await t.http.post(ADMIN).set("Authorization", by.auth).send({ text: "Coupure d'eau rue des Lilas mardi matin", ...body });
  expect(res.status).toBe(200);
  return res.body;
}

async function seen(who: Resident, query = "") {
  const res = await t.http.get(`/api/v1/announcements${query}`).set("Authorization", who.auth);
  expect(res.status).toBe(200);
  return res.body as { id: string; content: string; read: boolean; reactions: { name: string; count: number; me: boolean }[] }[];
}

describe("admins manage announcements", () => {
  it("a published announcement is shown to residents with Mastodon's shape", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const created = await announce(mayor, { starts_at: "2030-05-01T08:00:00.000Z", ends_at: "2030-05-01T12:00:00.000Z" });
    const list = await seen(alice);
    expect(list).toEqual([
      {
        id: created.id,
        content: "<p>Coupure d'eau rue des Lilas mardi matin</p>",
        starts_at: "2030-05-01T08:00:00.000Z",
        ends_at: "2030-05-01T12:00:00.000Z",
        all_day: false,
        published: true,
        published_at: expect.any(String),
        updated_at: expect.any(String),
        read: false,
        mentions: [],
        statuses: [],
        tags: [],
        emojis: [],
        reactions: [],
      },
    ]);
  });

  it("the text is rendered as safe HTML: markup typed by the admin is shown, not run", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    await announce(mayor, { text: `<script>alert(1)</script><img src=x onerror=alert(2)> #marché https://mairie.example/travaux` });
    const [a] = await seen(alice);
    expect(a.content).not.toMatch(/<script|<img/);
    expect(a.content).toContain("&lt;script&gt;");
    expect(a.content).toContain('href="https://mairie.example/travaux"');
    const row = rowsOf<{ content: string }>(await t.services.db.execute(sql`select content from announcements`))[0];
    expect(row.content).not.toContain("<script");
  });

  it("a draft is not shown to residents until published", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const draft = await announce(mayor, { published: false });
    expect(await seen(alice)).toEqual([]);
    const res = await t.http.put(`${ADMIN}/${draft.id}`).set("Authorization", mayor.auth).send({ published: true });
    expect(res.body.published).toBe(true);
    expect((await seen(alice)).map((a) => a.id)).toEqual([draft.id]);
  });

  it("a scheduled announcement is shown from its time only", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const later = await announce(mayor, { scheduled_at: new Date(Date.now() + 3600_000).toISOString() });
    expect(later).toMatchObject({ published: false, scheduled_at: expect.any(String) });
    expect(await seen(alice)).toEqual([]);
    await t.services.db.execute(sql`update announcements set published_at = now() - interval '1 second'`);
    expect((await seen(alice)).map((a) => a.id)).toEqual([later.id]);
  });

  it("editing changes the text residents see", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const a = await announce(mayor);
    await t.http.put(`${ADMIN}/${a.id}`).set("Authorization", mayor.auth).send({ text: "Coupure reportée à jeudi" });
    expect((await seen(alice))[0].content).toContain("Coupure reportée à jeudi");
  });

  it("ending an announcement hides it from residents and keeps it for admins", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const a = await announce(mayor);
    const ended = await t.http.post(`${ADMIN}/${a.id}/end`).set("Authorization", mayor.auth);
    expect(ended.body.shown).toBe(false);
    expect(await seen(alice, "?with_dismissed=true")).toEqual([]);
    const all = await t.http.get(ADMIN).set("Authorization", mayor.auth);
    expect(all.body.map((x: { id: string }) => x.id)).toEqual([a.id]);
  });

  it("deleting removes it with its reads and reactions", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const a = await announce(mayor);
    await t.http.put(`/api/v1/announcements/${a.id}/reactions/${encodeURIComponent("👍")}`).set("Authorization", alice.auth);
    await t.http.post(`/api/v1/announcements/${a.id}/dismiss`).set("Authorization", alice.auth);
    const res = await t.http.delete(`${ADMIN}/${a.id}`).set("Authorization", mayor.auth);
    expect(res.status).toBe(200);
    expect([await countRows(t, "announcements"), await countRows(t, "announcement_reads"), await countRows(t, "announcement_reactions")]).toEqual([0, 0, 0]);
  });

  it.each([
    ["no text", {}],
    ["a blank text", { text: "   " }],
    ["a numeric text", { text: 12 }],
    ["a text over 5000 characters", { text: "a".repeat(5001) }],
    ["a starts_at that is not a date", { text: "x", starts_at: "bientôt" }],
    ["an end before the start", { text: "x", starts_at: "2030-01-02T00:00:00Z", ends_at: "2030-01-01T00:00:00Z" }],
    ["a published flag that is not a boolean", { text: "x", published: "peut-être" }],
  ])("%s is refused with 422 and nothing is stored", async (_label, body) => {
    const mayor = await admin();
    const res = await t.http.post(ADMIN).set("Authorization", mayor.auth).send(body);
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual(expect.any(String));
    expect(await countRows(t, "announcements")).toBe(0);
  });

  it("a resident cannot create, edit, end or delete announcements", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const a = await announce(mayor);
    expect((await t.http.post(ADMIN).set("Authorization", alice.auth).send({ text: "Faux" })).status).toBe(403);
    expect((await t.http.put(`${ADMIN}/${a.id}`).set("Authorization", alice.auth).send({ text: "Faux" })).status).toBe(403);
    expect((await t.http.post(`${ADMIN}/${a.id}/end`).set("Authorization", alice.auth)).status).toBe(403);
    expect((await t.http.delete(`${ADMIN}/${a.id}`).set("Authorization", alice.auth)).status).toBe(403);
    expect((await t.http.get(ADMIN).set("Authorization", alice.auth)).status).toBe(403);
    const rows = rowsOf<{ text: string; ends_at: Date | null }>(await t.services.db.execute(sql`select text, ends_at from announcements`));
    expect(rows).toEqual([{ text: "Coupure d'eau rue des Lilas mardi matin", ends_at: null }]);
  });

  it("a moderator cannot manage announcements either", async () => {
    const mod = await createResident(t, "modo", { role: "moderator" });
    expect((await t.http.post(ADMIN).set("Authorization", mod.auth).send({ text: "Faux" })).status).toBe(403);
    expect(await countRows(t, "announcements")).toBe(0);
  });

  it("an unknown announcement is 404 for admins", async () => {
    const mayor = await admin();
    expect((await t.http.put(`${ADMIN}/123456`).set("Authorization", mayor.auth).send({ text: "x" })).status).toBe(404);
    expect((await t.http.delete(`${ADMIN}/nope`).set("Authorization", mayor.auth)).status).toBe(404);
  });
});

describe("residents read and react", () => {
  it("dismissing marks it read: gone from the default list, read with with_dismissed", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const a = await announce(mayor);
    const res = await t.http.post(`/api/v1/announcements/${a.id}/dismiss`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(await seen(alice)).toEqual([]);
    expect((await seen(alice, "?with_dismissed=true")).map((x) => [x.id, x.read])).toEqual([[a.id, true]]);
    expect((await seen(bob)).map((x) => x.read)).toEqual([false]);
  });

  it("a reaction is counted, flagged as one's own, and can be withdrawn", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const a = await announce(mayor);
    const path = `/api/v1/announcements/${a.id}/reactions/${encodeURIComponent("❤️")}`;
    expect((await t.http.put(path).set("Authorization", alice.auth)).status).toBe(200);
    await t.http.put(path).set("Authorization", alice.auth);
    await t.http.put(path).set("Authorization", bob.auth);
    expect((await seen(alice))[0].reactions).toEqual([{ name: "❤️", count: 2, me: true, url: null, static_url: null }]);
    await t.http.delete(path).set("Authorization", alice.auth);
    expect((await seen(alice))[0].reactions).toEqual([{ name: "❤️", count: 1, me: false, url: null, static_url: null }]);
  });

  it.each([["a word", "bravo"], ["a custom emoji shortcode", "blobcat"], ["markup", "<b>x</b>"], ["two emoji", "👍👍"]])(
    "%s as a reaction is refused with 422 and nothing is stored",
    async (_label, name) => {
      const mayor = await admin();
      const alice = await createResident(t, "alice");
      const a = await announce(mayor);
      const res = await t.http.put(`/api/v1/announcements/${a.id}/reactions/${encodeURIComponent(name)}`).set("Authorization", alice.auth);
      expect(res.status).toBe(422);
      expect(await countRows(t, "announcement_reactions")).toBe(0);
    },
  );

  it("flags, family emoji and keycaps are accepted", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const a = await announce(mayor);
    for (const name of ["🇫🇷", "👨‍👩‍👧", "1️⃣", "👍🏽"]) {
      const res = await t.http.put(`/api/v1/announcements/${a.id}/reactions/${encodeURIComponent(name)}`).set("Authorization", alice.auth);
      expect(res.status).toBe(200);
    }
    expect(await countRows(t, "announcement_reactions")).toBe(4);
  });

  it("no more than eight different reactions", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const a = await announce(mayor);
    for (const name of ["😀", "😃", "😄", "😁", "😆", "😅", "😂", "🤣"]) {
      await t.http.put(`/api/v1/announcements/${a.id}/reactions/${encodeURIComponent(name)}`).set("Authorization", alice.auth);
    }
    const res = await t.http.put(`/api/v1/announcements/${a.id}/reactions/${encodeURIComponent("😊")}`).set("Authorization", alice.auth);
    expect(res.status).toBe(422);
    expect(await countRows(t, "announcement_reactions")).toBe(8);
  });

  it("a draft cannot be dismissed or reacted to: 404", async () => {
    const mayor = await admin();
    const alice = await createResident(t, "alice");
    const draft = await announce(mayor, { published: false });
    expect((await t.http.post(`/api/v1/announcements/${draft.id}/dismiss`).set("Authorization", alice.auth)).status).toBe(404);
    expect((await t.http.put(`/api/v1/announcements/${draft.id}/reactions/${encodeURIComponent("👍")}`).set("Authorization", alice.auth)).status).toBe(404);
    expect(await countRows(t, "announcement_reads")).toBe(0);
  });

  it("without a token, announcements are refused with 401", async () => {
    expect((await t.http.get("/api/v1/announcements")).status).toBe(401);
  });

  it("a with_dismissed that is not a boolean is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.get("/api/v1/announcements?with_dismissed=maybe").set("Authorization", alice.auth)).status).toBe(422);
  });
});
