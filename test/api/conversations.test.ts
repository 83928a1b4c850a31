// Direct conversations: threads, unread flags raised by a new direct status,
// read and delete, per participant.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accountConversations } from "../../server/db/schema";
import { countRows, idsOf } from "../helpers/api";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));

const conversations = async (r: Resident) => {
  const res = await t.http.get("/api/v1/conversations").set("Authorization", r.auth);
  expect(res.status).toBe(200);
  return res.body as { id: string; unread: boolean; accounts: { id: string }[]; last_status: { id: string } | null }[];
};

describe("conversations", () => {
  it("a direct status makes a conversation for each local participant: unread for the recipient, read for the author", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "@bob un mot", { visibility: "direct" });
    const [forBob] = await conversations(bob);
    expect(forBob).toMatchObject({ unread: true, last_status: { id: s.id } });
    expect(idsOf(forBob.accounts)).toEqual([alice.account.id]);
    const [forAlice] = await conversations(alice);
    expect(forAlice).toMatchObject({ unread: false, last_status: { id: s.id } });
    expect(idsOf(forAlice.accounts)).toEqual([bob.account.id]);
    expect(await countRows(t, "account_conversations")).toBe(2);
  });

  it("a reply joins the same conversation and raises the other side's unread flag again", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "@bob un mot", { visibility: "direct" });
    const [forBob] = await conversations(bob);
    const read = await t.http.post(`/api/v1/conversations/${forBob.id}/read`).set("Authorization", bob.auth);
    expect(read.status).toBe(200);
    expect(read.body.unread).toBe(false);
    const [row] = await t.services.db.select().from(accountConversations).where(eq(accountConversations.id, forBob.id));
    expect(row.unread).toBe(false);
    const reply = await createPost(t, bob, "@alice réponse", { visibility: "direct", inReplyToId: s.id });
    const aliceSide = await conversations(alice);
    expect(aliceSide).toHaveLength(1);
    expect(aliceSide[0]).toMatchObject({ unread: true, last_status: { id: reply.id } });
    const bobSide = await conversations(bob);
    expect(bobSide[0]).toMatchObject({ id: forBob.id, unread: false, last_status: { id: reply.id } });
  });

  it("a direct status from a remote account opens an unread conversation for the local recipient only", async () => {
    const bob = await createResident(t, "bob");
    const { accounts } = await import("../../server/db/schema");
    const { newId } = await import("../../server/ids");
    const { storeStatus } = await import("../../server/domain/statuses");
    const remoteId = newId();
    await t.services.db.insert(accounts).values({ id: remoteId, username: "zoe", domain: "example.org", uri: "https://example.org/users/zoe" });
    const s = await storeStatus(
      t.services.domain,
      { id: newId(), uri: "https://example.org/notes/1", accountId: remoteId, content: "<p>@bob coucou</p>", visibility: "direct", local: false },
      [bob.account.id],
      [],
      { mayExist: {} },
    );
    const [forBob] = await conversations(bob);
    expect(forBob).toMatchObject({ unread: true, last_status: { id: s.id } });
    expect(idsOf(forBob.accounts)).toEqual([remoteId]);
    expect(await countRows(t, "account_conversations")).toBe(1);
  });

  it("public posts make no conversation", async () => {
    const alice = await createResident(t, "alice");
    await createResident(t, "bob");
    await createPost(t, alice, "@bob en public");
    expect(await countRows(t, "account_conversations")).toBe(0);
  });

  it("deleting a conversation removes it from one's list only; someone else's is not found", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await createPost(t, alice, "@bob un mot", { visibility: "direct" });
    const [forBob] = await conversations(bob);
    expect((await t.http.delete(`/api/v1/conversations/${forBob.id}`).set("Authorization", carol.auth)).status).toBe(404);
    expect((await t.http.post(`/api/v1/conversations/${forBob.id}/read`).set("Authorization", alice.auth)).status).toBe(404);
    const [still] = await t.services.db.select().from(accountConversations).where(eq(accountConversations.id, forBob.id));
    expect(still.unread).toBe(true);
    await t.http.delete(`/api/v1/conversations/${forBob.id}`).set("Authorization", bob.auth).expect(200);
    expect(await conversations(bob)).toEqual([]);
    expect(await conversations(alice)).toHaveLength(1);
    const gone = await t.services.db.select().from(accountConversations).where(and(eq(accountConversations.accountId, bob.account.id)));
    expect(gone).toEqual([]);
  });

  it("conversations need a token; unknown and malformed ids are not found", async () => {
    const bob = await createResident(t, "bob");
    expect((await t.http.get("/api/v1/conversations")).status).toBe(401);
    for (const id of ["123", "x", "1;drop"]) {
      expect((await t.http.post(`/api/v1/conversations/${id}/read`).set("Authorization", bob.auth)).status).toBe(404);
    }
    const { issueToken } = await import("../../server/auth/tokens");
    const { accessToken } = await issueToken(t.services.domain, { userId: bob.user.id, scopes: "read" });
    expect((await t.http.get("/api/v1/conversations").set("Authorization", `Bearer ${accessToken}`)).status).toBe(200);
    expect((await t.http.post("/api/v1/conversations/1/read").set("Authorization", `Bearer ${accessToken}`)).status).toBe(403);
  });
});
