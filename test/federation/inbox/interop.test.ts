// Real payloads from Mastodon, Pleroma, Misskey, Lemmy and Mobilizon, moved
// to a fake remote server's origin, signed by it and posted to our inbox:
// each is accepted and shows correctly through the client API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findStatusByUri } from "../../../server/domain/statuses";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { followRemote, loadFixture, readFixtureText, startFakeRemote, type FakeRemote, type Json } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";

let t: FederatedInstance;
let remote: FakeRemote;
let alice: Resident;
let aliceUri: string;

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote();
});
afterAll(async () => {
  await remote.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  alice = await createResident(t, "alice");
  aliceUri = `${t.config.origin}/users/alice`;
});

const inbox = () => `${t.config.origin}/inbox`;

async function deliver(activity: Json): Promise<void> {
  const res = await remote.post(inbox(), activity);
  expect(res.status).toBe(202);
  await inboxIdle(t);
}

async function ensureActor(path: string, type = "Person"): Promise<string> {
  const id = `${remote.origin}${path}`;
  if (!remote.actors.has(id)) await remote.addActor(path, { type });
  return id;
}

async function apiStatus(uri: string) {
  const row = await waitFor(() => findStatusByUri(t.services.domain, uri));
  const res = await t.http.get(`/api/v1/statuses/${row.id}`).set("Authorization", alice.auth);
  expect(res.status).toBe(200);
  return res.body;
}

function createOf(actor: string, object: Json): Json {
  return {
    "@context": object["@context"] ?? "https://www.w3.org/ns/activitystreams",
    id: `${object.id}#create`,
    type: "Create",
    actor,
    to: object.to,
    cc: object.cc,
    object: { ...object, "@context": undefined },
  };
}

describe("a Mastodon Create(Note)", () => {
  it("with a content warning and a hashtag shows spoiler_text and tags", async () => {
    const actor = await ensureActor("/users/admin");
    const activity = loadFixture("mastodon-create-note-cw-hashtag.json", {
      "http://mastodon.example.org": remote.origin,
      "http://localtesting.pleroma.lol/users/lain": aliceUri,
    });
    await deliver(activity);
    const status = await apiStatus(`${remote.origin}/users/admin/statuses/99512778738411822`);
    expect([status.spoiler_text, status.sensitive, status.tags.map((x: { name: string }) => x.name), status.account.acct]).toEqual([
      "cw",
      true,
      ["nsfw"],
      `admin@${remote.domain}`,
    ]);
    expect(actor).toBe(activity.actor);
  });

  it("that mentions a resident notifies them", async () => {
    await ensureActor("/users/admin");
    await deliver(
      loadFixture("mastodon-create-note-cw-hashtag.json", {
        "http://mastodon.example.org": remote.origin,
        "http://localtesting.pleroma.lol/users/lain": aliceUri,
      }),
    );
    const res = await t.http.get("/api/v1/notifications").set("Authorization", alice.auth);
    expect(res.body.map((n: { type: string }) => n.type)).toEqual(["mention"]);
  });

  it("from an account a resident follows shows in their home timeline with its language", async () => {
    const felix = await ensureActor("/users/felix");
    await ensureActor("/users/retiolus");
    await followRemote(t, alice, felix);
    await deliver(loadFixture("mastodon-create-note.json", { "https://mastodon.madrid": remote.origin, "https://mamot.fr": remote.origin }));
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(home.body.map((s: { uri: string; language: string }) => [s.uri, s.language])).toEqual([
      [`${remote.origin}/users/felix/statuses/107224289116410645`, "en"],
    ]);
  });

  it("from an account nobody here follows, mentioning no resident, is not stored", async () => {
    await ensureActor("/users/felix");
    await deliver(loadFixture("mastodon-create-note.json", { "https://mastodon.madrid": remote.origin, "https://mamot.fr": remote.origin }));
    expect(await findStatusByUri(t.services.domain, `${remote.origin}/users/felix/statuses/107224289116410645`)).toBeUndefined();
  });

  it("with an image attachment keeps its alt text, size, blurhash and focal point", async () => {
    const kde = await ensureActor("/users/kde");
    await followRemote(t, alice, kde);
    const note = loadFixture("mastodon-note-attachment-alt-text.json", {
      "https://floss.social": remote.origin,
      "https://cdn.masto.host": remote.origin,
      "https://lemmy.kde.social": remote.origin,
    });
    (note.attachment as Record<string, unknown>[])[0].focalPoint = [0.25, -0.5];
    await deliver(createOf(kde, note));
    const status = await apiStatus(String(note.id));
    const [media] = status.media_attachments;
    expect([media.type, media.description, media.blurhash, media.meta?.original?.width, media.meta?.original?.height, media.meta?.focus]).toEqual([
      "image",
      "The KDE dragons Katie and Konqi stand on either side of a pot filling up with gold coins. Donate!",
      "USQv:h-W-qI-^,W;RPs=^-R%NZxbo#sDobSc",
      1500,
      1095,
      { x: 0.25, y: -0.5 },
    ]);
  });

  it("of a Question is stored with its poll: options, tallies, end", async () => {
    const rinpatch = await ensureActor("/users/rinpatch");
    await followRemote(t, alice, rinpatch);
    await deliver(loadFixture("mastodon-create-question.json", { "https://mastodon.sdf.org": remote.origin }));
    const status = await apiStatus(`${remote.origin}/users/rinpatch/statuses/102070944809637304`);
    expect(status.poll).toMatchObject({
      expires_at: "2019-05-11T09:03:36.000Z",
      expired: true,
      multiple: false,
      votes_count: 2,
      options: [
        { title: "Dunno", votes_count: 0 },
        { title: "Everyone knows that!", votes_count: 1 },
        { title: "25 char limit is dumb", votes_count: 0 },
        { title: "I can't even fit a funny", votes_count: 1 },
      ],
    });
  });
});

describe("a Pleroma Create(Note)", () => {
  it("with its LitePub context, mentioning a resident, is stored as a public reply", async () => {
    await ensureActor("/users/nutomic");
    remote.serve("/schemas/litepub-0.1.jsonld", readFixtureText("contexts/litepub-0.1.jsonld"), "application/ld+json");
    await deliver(
      loadFixture("pleroma-create-note.json", {
        "https://greenish.red": remote.origin,
        "https://enterprise.lemmy.ml/u/picard": aliceUri,
        "https://enterprise.lemmy.ml": remote.origin,
      }),
    );
    const status = await apiStatus(`${remote.origin}/objects/1a522f2e-d5ab-454b-93d7-e58bc0650c2a`);
    expect([status.visibility, status.mentions.map((m: { acct: string }) => m.acct), status.content]).toEqual([
      "public",
      ["alice"],
      expect.stringContaining("test"),
    ]);
  });
});

describe("a Misskey quote", () => {
  it("keeps a link to the quoted note", async () => {
    const author = await ensureActor("/users/7rkrarq81i");
    await followRemote(t, alice, author);
    const note = loadFixture("misskey-note-quote.json", { "https://misskey.io": remote.origin });
    await deliver(createOf(author, note));
    const status = await apiStatus(String(note.id));
    expect(status.content).toContain(`${remote.origin}/notes/8vs6wxufd0`);
  });
});

describe("a Lemmy Announce(Create(Page))", () => {
  it("shows the community's boost of the post, fetched from its origin, in a follower's home timeline", async () => {
    const group = await ensureActor("/c/main", "Group");
    await ensureActor("/u/lemmy_beta");
    await followRemote(t, alice, group);
    const announce = loadFixture("lemmy-announce-create-page.json", { "http://enterprise.lemmy.ml": remote.origin });
    const page = (announce.object as Json).object as Json;
    remote.serve("/post/7", { "@context": "https://www.w3.org/ns/activitystreams", ...page });
    await deliver(announce);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    const [boost] = home.body;
    expect([boost.account.acct, boost.reblog.uri, boost.reblog.content]).toEqual([
      `main@${remote.domain}`,
      `${remote.origin}/post/7`,
      expect.stringContaining("post 4"),
    ]);
  });
});

describe("a Mobilizon Event", () => {
  it("shows as a post with its title, place and hashtags", async () => {
    const group = await ensureActor("/@devon_caledonian_society", "Group");
    await ensureActor("/@emorrp1");
    await followRemote(t, alice, group);
    const event = loadFixture("mobilizon-event.json", { "https://rendezvous.nomagic.uk": remote.origin });
    await deliver(createOf(group, event));
    const status = await apiStatus(String(event.id));
    expect([
      status.content.includes("Caledonian scottish dance class"),
      status.content.includes("The Kenn Centre"),
      status.tags.map((x: { name: string }) => x.name).sort(),
    ]).toEqual([true, true, expect.arrayContaining(["caledonian", "dance"])]);
  });
});

describe("a Mastodon Flag", () => {
  it("becomes a report on the flagged resident with the flagged posts", async () => {
    await ensureActor("/actor", "Application");
    const post = await createPost(t, alice, "Something reported");
    await deliver(
      loadFixture("mastodon-flag.json", {
        "https://mastodon.example": remote.origin,
        "https://example.com/users/1": aliceUri,
        "https://example.com/posts/380590": post.uri,
        "https://example.com/posts/380591": `${post.uri}-missing`,
      }),
    );
    const { openReports } = await import("../../../server/domain/moderation");
    const reports = await openReports(t.services.domain);
    expect(reports.map((r) => [r.targetAccountId, r.statusIds, r.comment])).toEqual([
      [alice.account.id, [post.id], "Please take a look at this user and their posts"],
    ]);
  });
});

describe("a Mastodon Like", () => {
  it("counts as a favourite of the resident's post", async () => {
    await ensureActor("/users/felix");
    const post = await createPost(t, alice, "Like me");
    await deliver(loadFixture("mastodon-like.json", { "https://mastodon.madrid": remote.origin, "https://ds9.lemmy.ml/post/147": post.uri }));
    const res = await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth);
    expect(res.body.favourites_count).toBe(1);
  });
});
