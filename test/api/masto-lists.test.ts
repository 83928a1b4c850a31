// masto.js (a third-party Mastodon client library, unmodified) drives lists,
// filters, bookmarks and followed tags over real HTTP against a running Parvis.
import { createRestAPIClient, type mastodon } from "masto";
import { describe, expect, it } from "vitest";
import { follow } from "../../server/domain/follows";
import { bookmark } from "../../server/domain/interactions";
import { countRows } from "../helpers/api";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));

const client = (r: Resident): mastodon.rest.Client => createRestAPIClient({ url: t.url, accessToken: r.token });

describe("masto.js against Parvis", () => {
  it("creates a list, adds a member, reads the list timeline, removes the member and deletes the list", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    const masto = client(alice);

    const list = await masto.v1.lists.create({ title: "Conseil de quartier", exclusive: false });
    expect(list).toMatchObject({ title: "Conseil de quartier", repliesPolicy: "list", exclusive: false });

    await masto.v1.lists.$select(list.id).accounts.create({ accountIds: [bob.account.id] });
    const members = await masto.v1.lists.$select(list.id).accounts.list();
    expect(members.map((a) => a.id)).toEqual([bob.account.id]);
    const holding = await masto.v1.accounts.$select(bob.account.id).lists.list();
    expect(holding.map((l) => l.id)).toEqual([list.id]);

    const post = await createPost(t, bob, "Réunion jeudi à la salle des fêtes");
    const timeline = await masto.v1.timelines.list.$select(list.id).list();
    expect(timeline.map((s) => s.id)).toEqual([post.id]);
    expect(timeline[0].account.id).toBe(bob.account.id);

    const updated = await masto.v1.lists.$select(list.id).update({ title: "Quartier nord" });
    expect(updated.title).toBe("Quartier nord");

    await masto.v1.lists.$select(list.id).accounts.remove({ accountIds: [bob.account.id] });
    expect(await countRows(t, "list_accounts")).toBe(0);
    await masto.v1.lists.$select(list.id).remove();
    expect(await masto.v1.lists.list()).toEqual([]);
  });

  it("reading another resident's list is a 404 error for masto.js", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const list = await client(alice).v1.lists.create({ title: "Privée" });
    await expect(client(bob).v1.lists.$select(list.id).fetch()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("creates a v2 filter whose warn result masto.js reads on the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    await createPost(t, bob, "Coupure d'eau demain matin");
    const masto = client(alice);
    const filter = await masto.v2.filters.create({ title: "Eau", context: ["home"], filterAction: "warn", keywordsAttributes: [{ keyword: "eau", wholeWord: true }] });
    expect(filter.keywords.map((k) => k.keyword)).toEqual(["eau"]);
    const home = await masto.v1.timelines.home.list();
    expect(home[0].filtered?.[0]).toMatchObject({ filter: { id: filter.id, filterAction: "warn" }, keywordMatches: ["eau"] });
  });

  it("lists bookmarks and follows a hashtag", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, bob, "À garder");
    await bookmark(t.services.domain, alice.account.id, s.id);
    const masto = client(alice);
    const bookmarks = await masto.v1.bookmarks.list();
    expect(bookmarks.map((b) => b.id)).toEqual([s.id]);
    const tag = await masto.v1.tags.$select("velo").follow();
    expect(tag.following).toBe(true);
    const followed = await masto.v1.followedTags.list();
    expect(followed.map((x) => x.name)).toEqual(["velo"]);
  });
});
