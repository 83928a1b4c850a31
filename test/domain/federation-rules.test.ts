// The rules federation applies, as domain functions (issue 9): which resident
// other servers see, what an outbox lists, which remote posts are kept, what a
// remote Undo may remove, and how often a repeated Follow is confirmed again.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, favourites, follows } from "../../server/db/schema";
import { findPublicResident, residentUsernameForHandle, upsertRemoteAccount } from "../../server/domain/accounts";
import { authorizeFollowRequest, follow, reconfirmFollow } from "../../server/domain/follows";
import { favourite, findUndoable, undoInteraction } from "../../server/domain/interactions";
import { countListedStatuses, listedStatusesPage } from "../../server/domain/statuses";
import { isRemotePostKept } from "../../server/domain/follows";
import type { DomainEvents } from "../../server/events";
import { createPost, createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));
let n = 0;

async function remote(name = `voisin${++n}`) {
  return upsertRemoteAccount(t.services.domain, {
    uri: `https://voisins.example/users/${name}`,
    username: name,
    domain: "voisins.example",
    inboxUrl: `https://voisins.example/users/${name}/inbox`,
  });
}

describe("public residents", () => {
  it("are found by their exact username, and by a handle in any case", async () => {
    const alice = await createResident(t, `Alice${++n}`);
    const d = t.services.domain;
    expect((await findPublicResident(d, alice.account.username))?.id).toBe(alice.account.id);
    expect(await findPublicResident(d, alice.account.username.toLowerCase())).toBeNull();
    expect(await residentUsernameForHandle(d, alice.account.username.toUpperCase())).toBe(alice.account.username);
  });

  it("are not served once suspended", async () => {
    const bob = await createResident(t);
    await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, bob.account.id));
    expect(await findPublicResident(t.services.domain, bob.account.username)).toBeNull();
  });
});

describe("what an outbox lists", () => {
  it("public and unlisted statuses only, newest first, paged", async () => {
    const carol = await createResident(t);
    const pub = await createPost(t, carol, "Publique", { visibility: "public" });
    const unl = await createPost(t, carol, "Non listée", { visibility: "unlisted" });
    await createPost(t, carol, "Abonnés", { visibility: "private" });
    await createPost(t, carol, "Directe", { visibility: "direct" });
    const d = t.services.domain;
    const first = await listedStatusesPage(d, carol.account.id, null, 1);
    expect(first.items.map((s) => s.id)).toEqual([unl.id]);
    const second = await listedStatusesPage(d, carol.account.id, first.nextCursor, 1);
    expect([second.items.map((s) => s.id), second.nextCursor]).toEqual([[pub.id], null]);
    expect(await countListedStatuses(d, carol.account.id)).toBe(2);
    // a cursor that is not one of our ids is an empty page, not an error
    expect((await listedStatusesPage(d, carol.account.id, "99999999999999999999999")).items).toEqual([]);
  });
});

describe("which remote posts are kept", () => {
  it("those that mention a resident, reply to a resident, or whose author a resident follows", async () => {
    const d = t.services.domain;
    const dan = await createResident(t);
    const author = await remote();
    const post = await createPost(t, dan, "Sujet");
    const base = { authorId: author.id, mentioned: [] as { domain: string | null }[], inReplyToUri: null as string | null };
    expect(await isRemotePostKept(d, base)).toBe(false);
    expect(await isRemotePostKept(d, { ...base, mentioned: [{ domain: "voisins.example" }] })).toBe(false);
    expect(await isRemotePostKept(d, { ...base, mentioned: [{ domain: null }] })).toBe(true);
    expect(await isRemotePostKept(d, { ...base, inReplyToUri: post.uri })).toBe(true);
    // a request first: a remote account decides on its server
    await follow(d, dan.account, author);
    expect(await isRemotePostKept(d, base)).toBe(false);
    await authorizeFollowRequest(d, author.id, dan.account.id);
    expect(await isRemotePostKept(d, base)).toBe(true);
  });
});

describe("what a remote Undo may remove", () => {
  it("only the actor's own favourite, found by its Like id", async () => {
    const d = t.services.domain;
    const eve = await createResident(t);
    const post = await createPost(t, eve, "À aimer");
    const liker = await remote();
    const other = await remote();
    const likeUri = `${liker.uri}#likes/${++n}`;
    await favourite(d, liker, post.id, likeUri);
    expect(await findUndoable(d, other.id, { type: "id", uri: likeUri })).toBeNull();
    expect(await findUndoable(d, other.id, { type: "like", uri: likeUri, statusUri: post.uri })).toBeNull();
    const undoable = await findUndoable(d, liker.id, { type: "id", uri: likeUri });
    expect(undoable?.kind).toBe("favourite");
    await undoInteraction(d, undoable!);
    expect(await t.services.db.select().from(favourites).where(eq(favourites.uri, likeUri))).toEqual([]);
  });

  it("not someone else's follow named by its id", async () => {
    const d = t.services.domain;
    const fay = await createResident(t);
    const follower = await remote();
    const other = await remote();
    const followUri = `${follower.uri}#follows/${++n}`;
    await follow(d, follower, fay.account, { uri: followUri });
    expect(await findUndoable(d, other.id, { type: "id", uri: followUri })).toBeNull();
    expect(await findUndoable(d, follower.id, { type: "id", uri: followUri })).toEqual({ kind: "follow", actorId: follower.id, targetId: fay.account.id });
  });
});

describe("a repeated Follow", () => {
  it("is confirmed again (one event) at most once per window", async () => {
    const d = t.services.domain;
    const gil = await createResident(t);
    const follower = await remote();
    await follow(d, follower, gil.account, { uri: `${follower.uri}#follows/${++n}` });
    const seen: DomainEvents["follow.reconfirmed"][] = [];
    const off = t.services.events.on("follow.reconfirmed", (e) => void seen.push(e));
    try {
      // the first Accept opened the window
      expect(await reconfirmFollow(d, follower, gil.account, `${follower.uri}#again1`)).toBe(false);
      await t.services.db.update(follows).set({ acceptSentAt: sql`now() - interval '16 minutes'` }).where(eq(follows.accountId, follower.id));
      expect(await reconfirmFollow(d, follower, gil.account, `${follower.uri}#again2`)).toBe(true);
      expect(await reconfirmFollow(d, follower, gil.account, `${follower.uri}#again3`)).toBe(false);
      expect(seen).toEqual([{ accountId: follower.id, targetAccountId: gil.account.id, uri: `${follower.uri}#again2` }]);
    } finally {
      off();
    }
  });
});
