// The serializers in server/entities are pure: loaded views in, Mastodon JSON
// out, with no database. These tests build views by hand to show it, and pin the
// rules that live only in the serializers (what a reblog mirrors, what a
// signed-out reader gets, where a remote account's own counts win).
import { describe, expect, it } from "vitest";
import type { Account, AccountView } from "../../server/domain/accounts";
import type { Relationship } from "../../server/domain/follows";
import type { Status } from "../../server/domain/statuses";
import type { StatusExtras } from "../../server/domain/views";
import type { StatusView } from "../../server/domain/views";
import { serializeAccount } from "../../server/entities/account";
import { serializeRelationship } from "../../server/entities/relationship";
import { serializeStatuses } from "../../server/entities/status";

const origin = "https://parvis.example";

function account(id: string, extra: Partial<Account> = {}): AccountView {
  const row = {
    id,
    username: `u${id}`,
    domain: null,
    displayName: "",
    note: "",
    noteSource: "",
    fields: [],
    locked: false,
    bot: false,
    discoverable: true,
    actorType: "Person",
    avatarUrl: null,
    headerUrl: null,
    uri: `${origin}/users/u${id}`,
    url: `${origin}/@u${id}`,
    remoteFollowersCount: null,
    remoteFollowingCount: null,
    remoteStatusesCount: null,
    lastStatusAt: null,
    createdAt: new Date("2026-01-02T03:04:05Z"),
    ...extra,
  } as unknown as Account;
  return { account: row, counts: { followers: 3, following: 4, statuses: 5 }, role: null };
}

function status(id: string, accountId: string, extra: Partial<Status> = {}): Status {
  return {
    id,
    uri: `${origin}/users/u${accountId}/statuses/${id}`,
    url: null,
    accountId,
    inReplyToId: null,
    inReplyToAccountId: null,
    reblogOfId: null,
    content: "<p>bonjour</p>",
    text: "bonjour",
    spoilerText: "",
    sensitive: false,
    visibility: "public",
    language: "fr",
    objectType: "Note",
    pinned: false,
    createdAt: new Date("2026-02-03T04:05:06Z"),
    editedAt: null,
    ...extra,
  } as unknown as Status;
}

const extras = (flags: Partial<StatusExtras> = {}): StatusExtras => ({
  favourites: 2,
  reblogs: 1,
  replies: 0,
  mentions: [],
  tags: ["commune"],
  application: null,
  hasMedia: false,
  favourited: false,
  reblogged: false,
  bookmarked: false,
  muted: false,
  observation: null,
  ...flags,
});

describe("status entities from loaded views", () => {
  it("a reblog carries the viewer's flags of the status it shares", () => {
    const original: StatusView = {
      status: status("10", "1"),
      viewerId: "9",
      author: account("1"),
      extras: extras({ favourited: true, bookmarked: true }),
      media: [],
      poll: null, group: null, place: null,
      reblog: null,
    };
    const reblog: StatusView = {
      status: status("11", "2", { reblogOfId: "10", content: "" }),
      viewerId: "9",
      author: account("2"),
      extras: extras(),
      media: [],
      poll: null, group: null, place: null,
      reblog: original,
    };
    const [entity] = serializeStatuses(origin, [reblog]);
    expect(entity.reblog?.id).toBe("10");
    expect(entity.favourited).toBe(true);
    expect(entity.bookmarked).toBe(true);
    expect(entity.account.id).toBe("2");
    expect(entity.tags).toEqual([{ name: "commune", url: `${origin}/tags/commune` }]);
  });

  it("a signed-out reader gets no viewer flags at all", () => {
    const view: StatusView = { status: status("10", "1"), viewerId: null, author: account("1"), extras: extras(), media: [], poll: null, group: null, place: null, reblog: null };
    const [entity] = serializeStatuses(origin, [view]);
    expect(entity).not.toHaveProperty("favourited");
    expect(entity).not.toHaveProperty("pinned");
    expect(entity.url).toBe(entity.uri);
    expect(entity.filtered).toEqual([]);
  });

  it("a page's statuses by one author share one account entity", () => {
    const author = account("1");
    const views: StatusView[] = ["10", "11"].map((id) => ({ status: status(id, "1"), viewerId: null, author, extras: extras(), media: [], poll: null, group: null, place: null, reblog: null }));
    const [a, b] = serializeStatuses(origin, views);
    expect(a.account).toBe(b.account);
  });
});

describe("account entities from loaded views", () => {
  it("a remote account's own counts win when they are higher than ours", () => {
    const entity = serializeAccount(origin, account("1", { domain: "elsewhere.example", remoteFollowersCount: 120 } as Partial<Account>));
    expect(entity.acct).toBe("u1@elsewhere.example");
    expect(entity.followers_count).toBe(120);
    expect(entity.following_count).toBe(4);
    expect(entity.avatar).toBe(`${origin}/avatars/original/missing.png`);
    expect(entity.created_at).toBe("2026-01-02T00:00:00.000Z");
  });
});

describe("relationship entities", () => {
  it("the domain's record becomes Mastodon's snake_case Relationship", () => {
    const r: Relationship = {
      id: "5",
      following: true,
      showingReblogs: true,
      notifying: false,
      followedBy: true,
      blocking: false,
      blockedBy: false,
      muting: true,
      mutingNotifications: true,
      requested: false,
      requestedBy: true,
    };
    expect(serializeRelationship(r)).toEqual({
      id: "5",
      following: true,
      showing_reblogs: true,
      notifying: false,
      languages: null,
      followed_by: true,
      blocking: false,
      blocked_by: false,
      muting: true,
      muting_notifications: true,
      requested: false,
      requested_by: true,
      domain_blocking: false,
      endorsed: false,
      note: "",
    });
  });
});
