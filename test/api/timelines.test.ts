// Home, public (local and not), hashtag and account timelines.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { createMedia, idsOf } from "../helpers/api";
import { follow } from "../../server/domain/follows";
import { reblog } from "../../server/domain/interactions";
import { block } from "../../server/domain/blocks";
import { mute } from "../../server/domain/blocks";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const ctx = () => t.services.domain;
const home = async (r: Resident) => {
  const res = await t.http.get("/api/v1/timelines/home").set("Authorization", r.auth);
  expect(res.status).toBe(200);
  return idsOf(res.body);
};
const followsOf = (a: Resident, b: Resident, options = {}) => follow(ctx(), a.account, b.account, options);

describe("GET /api/v1/timelines/home", () => {
  it("the home timeline shows one's own statuses", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Moi");
    expect(await home(alice)).toEqual([s.id]);
  });

  it("the home timeline shows statuses of followed accounts, newest first", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await followsOf(alice, bob);
    const s1 = await createPost(t, bob, "Un");
    const s2 = await createPost(t, alice, "Deux");
    const s3 = await createPost(t, bob, "Trois");
    expect(await home(alice)).toEqual([s3.id, s2.id, s1.id]);
  });

  it("a status by an account one does not follow is not in the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "Inconnu");
    expect(await home(alice)).toEqual([]);
  });

  it("a followers-only status is in a follower's home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await followsOf(alice, bob);
    const s = await createPost(t, bob, "Abonnés", { visibility: "private" });
    expect(await home(alice)).toEqual([s.id]);
  });

  it("a followers-only status is not in a stranger's home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "Abonnés", { visibility: "private" });
    expect(await home(alice)).toEqual([]);
  });

  it("a direct status is in the home timeline of a mentioned follower", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await followsOf(alice, bob);
    const s = await createPost(t, bob, "Psst @alice", { visibility: "direct" });
    expect(await home(alice)).toEqual([s.id]);
  });

  it("a direct status is not in the home timeline of a follower who is not mentioned", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createResident(t, "carol");
    await followsOf(alice, bob);
    await createPost(t, bob, "Psst @carol", { visibility: "direct" });
    expect(await home(alice)).toEqual([]);
  });

  it("a reblog by a followed account is in the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await followsOf(alice, bob);
    const s = await createPost(t, carol, "Original");
    const boost = await reblog(ctx(), bob.account, s.id);
    const res = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(idsOf(res.body)).toEqual([boost.id]);
    expect(res.body[0].reblog.id).toBe(s.id);
  });

  it("a reblog is not in the home timeline when the follow hides reblogs", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await followsOf(alice, bob, { reblogs: false });
    const own = await createPost(t, bob, "À moi");
    const s = await createPost(t, carol, "Original");
    await reblog(ctx(), bob.account, s.id);
    expect(await home(alice)).toEqual([own.id]);
  });

  it("statuses of a muted account are not in the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await followsOf(alice, bob);
    await createPost(t, bob, "Bla");
    await mute(ctx(), alice.account.id, bob.account.id);
    expect(await home(alice)).toEqual([]);
  });

  it("a reblog of a muted account's status is not in the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await followsOf(alice, bob);
    const s = await createPost(t, carol, "Original");
    await reblog(ctx(), bob.account, s.id);
    await mute(ctx(), alice.account.id, carol.account.id);
    expect(await home(alice)).toEqual([]);
  });

  it("statuses of a blocked account are not in the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await followsOf(alice, bob);
    const s = await createPost(t, carol, "Original");
    await reblog(ctx(), bob.account, s.id);
    await block(ctx(), alice.account.id, carol.account.id);
    expect(await home(alice)).toEqual([]);
  });

  it("a reply by a followed account to a stranger is not in the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await followsOf(alice, bob);
    const root = await createPost(t, carol, "Question");
    await createPost(t, bob, "Réponse", { inReplyToId: root.id });
    expect(await home(alice)).toEqual([]);
  });

  it("the home timeline without a token is refused with 401", async () => {
    expect((await t.http.get("/api/v1/timelines/home")).status).toBe(401);
  });
});

describe("GET /api/v1/timelines/public", () => {
  async function world() {
    const alice = await createResident(t, "alice");
    const pub = await createPost(t, alice, "Public");
    const unl = await createPost(t, alice, "Non listé", { visibility: "unlisted" });
    const priv = await createPost(t, alice, "Abonnés", { visibility: "private" });
    const dm = await createPost(t, alice, "Direct", { visibility: "direct" });
    return { alice, pub, unl, priv, dm };
  }

  it("the local timeline shows only public statuses", async () => {
    const { pub } = await world();
    const res = await t.http.get("/api/v1/timelines/public?local=true");
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([pub.id]);
  });

  it("the federated timeline shows only public statuses", async () => {
    const { pub } = await world();
    const res = await t.http.get("/api/v1/timelines/public");
    expect(idsOf(res.body)).toEqual([pub.id]);
  });

  it("the public timeline shows only public statuses to the author's followers too", async () => {
    const { alice, pub } = await world();
    const bob = await createResident(t, "bob");
    await followsOf(bob, alice);
    const res = await t.http.get("/api/v1/timelines/public?local=true").set("Authorization", bob.auth);
    expect(idsOf(res.body)).toEqual([pub.id]);
  });

  it("the remote-only timeline holds no local statuses", async () => {
    await world();
    const res = await t.http.get("/api/v1/timelines/public?remote=true");
    expect(res.body).toEqual([]);
  });

  it("reblogs are not in the public timeline", async () => {
    const { pub } = await world();
    const bob = await createResident(t, "bob");
    await reblog(ctx(), bob.account, pub.id);
    const res = await t.http.get("/api/v1/timelines/public");
    expect(idsOf(res.body)).toEqual([pub.id]);
  });

  it("statuses of an account the viewer blocked are not in the public timeline", async () => {
    const { alice } = await world();
    const bob = await createResident(t, "bob");
    await block(ctx(), bob.account.id, alice.account.id);
    const res = await t.http.get("/api/v1/timelines/public").set("Authorization", bob.auth);
    expect(res.body).toEqual([]);
  });

  it("statuses of an account that blocks the viewer are not in the public timeline", async () => {
    const { alice } = await world();
    const bob = await createResident(t, "bob");
    await block(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.get("/api/v1/timelines/public").set("Authorization", bob.auth);
    expect(res.body).toEqual([]);
  });

  it("only_media keeps statuses with attachments", async () => {
    const alice = await createResident(t, "alice");
    const media = await createMedia(t, alice);
    const withMedia = await createPost(t, alice, "Photo", { mediaIds: [media.id] });
    await createPost(t, alice, "Texte");
    const res = await t.http.get("/api/v1/timelines/public?only_media=true");
    expect(idsOf(res.body)).toEqual([withMedia.id]);
  });

  it("a non-boolean local parameter is refused with 422", async () => {
    const res = await t.http.get("/api/v1/timelines/public?local=maybe");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/local/);
  });
});

describe("GET /api/v1/timelines/tag/:tag", () => {
  it("the tag timeline lists public statuses with the tag", async () => {
    const alice = await createResident(t, "alice");
    const tagged = await createPost(t, alice, "Vive le #marché");
    await createPost(t, alice, "Sans tag");
    const res = await t.http.get(`/api/v1/timelines/tag/${encodeURIComponent("marché")}`);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([tagged.id]);
  });

  it("the tag timeline matches tags whatever their case", async () => {
    const alice = await createResident(t, "alice");
    const tagged = await createPost(t, alice, "Vive le #Marche");
    const res = await t.http.get("/api/v1/timelines/tag/MARCHE");
    expect(idsOf(res.body)).toEqual([tagged.id]);
  });

  it("the tag timeline leaves out unlisted, followers-only and direct statuses", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await followsOf(bob, alice);
    await createPost(t, alice, "#fete non listée", { visibility: "unlisted" });
    await createPost(t, alice, "#fete abonnés", { visibility: "private" });
    await createPost(t, alice, "#fete @bob", { visibility: "direct" });
    const res = await t.http.get("/api/v1/timelines/tag/fete").set("Authorization", bob.auth);
    expect(res.body).toEqual([]);
  });

  it("an unknown tag gives an empty list", async () => {
    const res = await t.http.get("/api/v1/timelines/tag/inconnu");
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it("a tag name with forbidden characters gives an empty list", async () => {
    const res = await t.http.get(`/api/v1/timelines/tag/${encodeURIComponent("a'; drop table statuses;--")}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });
});

describe("GET /api/v1/accounts/:id/statuses", () => {
  const list = async (target: Resident, viewer: Resident | null, query = "") => {
    const req = t.http.get(`/api/v1/accounts/${target.account.id}/statuses${query}`);
    if (viewer) req.set("Authorization", viewer.auth);
    const res = await req;
    expect(res.status).toBe(200);
    return idsOf(res.body);
  };

  it("a visitor sees an account's public and unlisted statuses only", async () => {
    const alice = await createResident(t, "alice");
    const pub = await createPost(t, alice, "Public");
    const unl = await createPost(t, alice, "Non listé", { visibility: "unlisted" });
    await createPost(t, alice, "Abonnés", { visibility: "private" });
    await createPost(t, alice, "Direct", { visibility: "direct" });
    expect(await list(alice, null)).toEqual([unl.id, pub.id]);
  });

  it("a follower also sees the account's followers-only statuses", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await followsOf(bob, alice);
    const pub = await createPost(t, alice, "Public");
    const priv = await createPost(t, alice, "Abonnés", { visibility: "private" });
    await createPost(t, alice, "Direct", { visibility: "direct" });
    expect(await list(alice, bob)).toEqual([priv.id, pub.id]);
  });

  it("a mentioned account sees the direct status that mentions it", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const dm = await createPost(t, alice, "Psst @bob", { visibility: "direct" });
    expect(await list(alice, bob)).toEqual([dm.id]);
  });

  it("the author sees all of their own statuses", async () => {
    const alice = await createResident(t, "alice");
    const a = await createPost(t, alice, "Public");
    const b = await createPost(t, alice, "Abonnés", { visibility: "private" });
    const c = await createPost(t, alice, "Direct", { visibility: "direct" });
    expect(await list(alice, alice)).toEqual([c.id, b.id, a.id]);
  });

  it("exclude_replies leaves out replies to others but keeps self-replies", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const other = await createPost(t, bob, "Question");
    const root = await createPost(t, alice, "Racine");
    await createPost(t, alice, "Réponse à Bob", { inReplyToId: other.id });
    const self = await createPost(t, alice, "Suite", { inReplyToId: root.id });
    expect(await list(alice, null, "?exclude_replies=true")).toEqual([self.id, root.id]);
  });

  it("exclude_reblogs leaves out the account's reblogs", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, bob, "Original");
    const boost = await reblog(ctx(), alice.account, s.id);
    const own = await createPost(t, alice, "À moi");
    expect(await list(alice, null)).toEqual([own.id, boost.id]);
    expect(await list(alice, null, "?exclude_reblogs=true")).toEqual([own.id]);
  });

  it("only_media keeps the account's statuses with attachments", async () => {
    const alice = await createResident(t, "alice");
    const media = await createMedia(t, alice);
    const withMedia = await createPost(t, alice, "Photo", { mediaIds: [media.id] });
    await createPost(t, alice, "Texte");
    expect(await list(alice, null, "?only_media=true")).toEqual([withMedia.id]);
  });

  it("an account that blocks the viewer shows the viewer nothing", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, alice, "Public");
    await block(ctx(), alice.account.id, bob.account.id);
    expect(await list(alice, bob)).toEqual([]);
  });

  it("the statuses of an unknown account are 404", async () => {
    expect((await t.http.get("/api/v1/accounts/4242424242/statuses")).status).toBe(404);
    expect((await t.http.get("/api/v1/accounts/alice/statuses")).status).toBe(404);
  });

  it("a non-boolean exclude_replies is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/statuses?exclude_replies=perhaps`);
    expect(res.status).toBe(422);
  });
});
