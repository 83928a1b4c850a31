// Mastodon's id-based pagination (max_id, since_id, min_id, limit) and the Link header.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { idsOf, parseLink } from "../helpers/api";
import { favourite } from "../../server/domain/interactions";
import { follow } from "../../server/domain/follows";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

/** 45 public posts by a followed account; ids newest first. */
async function fortyFive(): Promise<{ reader: Resident; author: Resident; ids: string[] }> {
  const reader = await createResident(t, "reader");
  const author = await createResident(t, "author");
  await follow(t.services.domain, reader.account, author.account);
  const ids: string[] = [];
  for (let i = 0; i < 45; i++) ids.push((await createPost(t, author, `Post ${i}`)).id);
  return { reader, author, ids: ids.reverse() };
}

/** Follows rel="next" from `first` until a page comes back empty or without a next link. */
async function walk(first: string, auth?: string): Promise<{ pages: string[][]; seen: string[] }> {
  const pages: string[][] = [];
  let url: string | undefined = first;
  while (url && pages.length < 10) {
    const req = t.http.get(url);
    if (auth) req.set("Authorization", auth);
    const res = await req;
    expect(res.status).toBe(200);
    const ids = idsOf(res.body);
    if (ids.length === 0) break;
    pages.push(ids);
    url = parseLink(res.headers.link).next;
  }
  return { pages, seen: pages.flat() };
}

describe("walking timelines page by page", () => {
  it("walking the home timeline by its next links returns every post once, newest first", async () => {
    const { reader, ids } = await fortyFive();
    const { pages, seen } = await walk("/api/v1/timelines/home?limit=20", reader.auth);
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(seen).toEqual(ids);
  });

  it("walking the public timeline by its next links returns every post once, newest first", async () => {
    const { ids } = await fortyFive();
    const { pages, seen } = await walk("/api/v1/timelines/public?local=true&limit=20");
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(seen).toEqual(ids);
  });

  it("walking an account's statuses returns every post once", async () => {
    const { author, ids } = await fortyFive();
    const { seen } = await walk(`/api/v1/accounts/${author.account.id}/statuses?limit=15`);
    expect(seen).toEqual(ids);
  });

  it("walking back by the prev links from the oldest page returns the newer posts", async () => {
    const { reader, ids } = await fortyFive();
    const oldest = ids[ids.length - 1];
    let url: string | undefined = `/api/v1/timelines/home?limit=20&max_id=${ids[39]}`;
    const collected: string[] = [];
    for (let i = 0; i < 5 && url; i++) {
      const res: { body: unknown; headers: Record<string, string> } = await t.http.get(url).set("Authorization", reader.auth);
      const page = idsOf(res.body);
      if (page.length === 0) break;
      collected.push(...page);
      url = parseLink(res.headers.link).prev;
    }
    // pages come oldest page first, each page newest first: 40..44, then 20..39, then 0..19
    expect(new Set(collected).size).toBe(collected.length);
    expect(collected).toEqual([...ids.slice(40), ...ids.slice(20, 40), ...ids.slice(0, 20)]);
    expect(collected).toContain(oldest);
  });
});

describe("the Link header", () => {
  it("next points at max_id of the last item and prev at min_id of the first", async () => {
    const { reader, ids } = await fortyFive();
    const res = await t.http.get("/api/v1/timelines/home?limit=10").set("Authorization", reader.auth);
    const link = parseLink(res.headers.link);
    expect(new URL(link.next!, t.url).searchParams.get("max_id")).toBe(ids[9]);
    expect(new URL(link.prev!, t.url).searchParams.get("min_id")).toBe(ids[0]);
    expect(new URL(link.next!, t.url).searchParams.get("limit")).toBe("10");
  });

  it("a short last page has no next link", async () => {
    const { reader, ids } = await fortyFive();
    const res = await t.http.get(`/api/v1/timelines/home?limit=20&max_id=${ids[39]}`).set("Authorization", reader.auth);
    expect(idsOf(res.body)).toHaveLength(5);
    expect(parseLink(res.headers.link).next).toBeUndefined();
    expect(parseLink(res.headers.link).prev).toBeDefined();
  });

  it("the Link header keeps the timeline's own parameters", async () => {
    await fortyFive();
    const res = await t.http.get("/api/v1/timelines/public?local=true&limit=5");
    expect(new URL(parseLink(res.headers.link).next!, t.url).searchParams.get("local")).toBe("true");
  });
});

describe("max_id, since_id, min_id and limit", () => {
  it("max_id returns the posts older than it, newest first", async () => {
    const { reader, ids } = await fortyFive();
    const res = await t.http.get(`/api/v1/timelines/home?max_id=${ids[4]}&limit=3`).set("Authorization", reader.auth);
    expect(idsOf(res.body)).toEqual(ids.slice(5, 8));
  });

  it("since_id returns the newest posts above it, newest first", async () => {
    const { reader, ids } = await fortyFive();
    const res = await t.http.get(`/api/v1/timelines/home?since_id=${ids[30]}&limit=3`).set("Authorization", reader.auth);
    expect(idsOf(res.body)).toEqual(ids.slice(0, 3));
  });

  it("min_id returns the posts immediately newer than it, newest first", async () => {
    const { reader, ids } = await fortyFive();
    const res = await t.http.get(`/api/v1/timelines/home?min_id=${ids[30]}&limit=3`).set("Authorization", reader.auth);
    expect(idsOf(res.body)).toEqual(ids.slice(27, 30));
  });

  it("max_id and since_id together bound the page on both sides", async () => {
    const { reader, ids } = await fortyFive();
    const res = await t.http.get(`/api/v1/timelines/home?max_id=${ids[10]}&since_id=${ids[14]}`).set("Authorization", reader.auth);
    expect(idsOf(res.body)).toEqual(ids.slice(11, 14));
  });

  it("the limit defaults to 20 and is capped at 40", async () => {
    const { reader } = await fortyFive();
    const byDefault = await t.http.get("/api/v1/timelines/home").set("Authorization", reader.auth);
    const huge = await t.http.get("/api/v1/timelines/home?limit=1000").set("Authorization", reader.auth);
    expect(byDefault.body).toHaveLength(20);
    expect(huge.body).toHaveLength(40);
  });

  it("a nonsensical limit or cursor is ignored rather than failing", async () => {
    const { reader } = await fortyFive();
    const res = await t.http.get("/api/v1/timelines/home?limit=abc&max_id=1%27%20or%201%3D1&since_id=-3").set("Authorization", reader.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(20);
  });

  it("a zero or negative limit returns one post", async () => {
    const { reader } = await fortyFive();
    const res = await t.http.get("/api/v1/timelines/home?limit=-5").set("Authorization", reader.auth);
    expect(res.body).toHaveLength(1);
  });
});

describe("notifications pagination", () => {
  it("walking 45 notifications by their next links returns each once, newest first", async () => {
    const author = await createResident(t, "author");
    const fan = await createResident(t, "fan");
    const noteIds: string[] = [];
    for (let i = 0; i < 45; i++) {
      const s = await createPost(t, author, `Post ${i}`);
      await favourite(t.services.domain, fan.account, s.id);
    }
    const all = await t.http.get("/api/v1/notifications?limit=80").set("Authorization", author.auth);
    noteIds.push(...idsOf(all.body));
    expect(noteIds).toHaveLength(45);
    const { pages, seen } = await walk("/api/v1/notifications?limit=20", author.auth);
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(seen).toEqual(noteIds);
  });

  it("the Link header of notifications keeps the types[] filter", async () => {
    const author = await createResident(t, "author");
    const fan = await createResident(t, "fan");
    for (let i = 0; i < 3; i++) {
      const s = await createPost(t, author, `Post ${i}`);
      await favourite(t.services.domain, fan.account, s.id);
    }
    const res = await t.http.get("/api/v1/notifications?types[]=favourite&limit=2").set("Authorization", author.auth);
    const next = new URL(parseLink(res.headers.link).next!, t.url);
    expect(next.searchParams.getAll("types[]")).toEqual(["favourite"]);
    const page2 = await t.http.get(next.pathname + next.search).set("Authorization", author.auth);
    expect(page2.body).toHaveLength(1);
  });

  it("favourited_by pages by its Link header without repeating anyone", async () => {
    const author = await createResident(t, "author");
    const s = await createPost(t, author, "Populaire");
    const fans: string[] = [];
    for (let i = 0; i < 5; i++) {
      const fan = await createResident(t, `fan${i}`);
      await favourite(t.services.domain, fan.account, s.id);
      fans.unshift(fan.account.id);
    }
    const { seen } = await walk(`/api/v1/statuses/${s.id}/favourited_by?limit=2`);
    expect(seen).toEqual(fans);
  });

  it("min_id on notifications returns the ones immediately newer", async () => {
    const author = await createResident(t, "author");
    const fan = await createResident(t, "fan");
    for (let i = 0; i < 6; i++) {
      const s = await createPost(t, author, `Post ${i}`);
      await favourite(t.services.domain, fan.account, s.id);
    }
    const all = idsOf((await t.http.get("/api/v1/notifications").set("Authorization", author.auth)).body);
    const res = await t.http.get(`/api/v1/notifications?min_id=${all[5]}&limit=2`).set("Authorization", author.auth);
    expect(idsOf(res.body)).toEqual(all.slice(3, 5));
  });
});
