// Posts travelling between three real Parvis instances: delivery into home
// timelines, visibility, mentions, reply threads, edits and deletions.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../../server/db/rows";
import {
  ApiError,
  acctOf,
  api,
  follow,
  handleOf,
  homeTimeline,
  notifications,
  post,
  resident,
  settle,
  usePeers,
  textOf,
  TEST_TIMEOUT,
  WAIT,
  waitForHomeStatus,
  type ApiStatus,
  type Peer,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;
let C: Peer;

usePeers(3, (peers) => ([A, B, C] = peers));

/** Does `peer` hold any copy of the status with this ActivityPub id (whoever may see it)? */
async function stored(peer: Peer, uri: string): Promise<boolean> {
  const result = await peer.services.db.execute(sql`select count(*)::int as n from statuses where uri = ${uri}`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0) > 0;
}

async function statusAs(peer: Peer, viewer: Parameters<typeof api>[1], id: string): Promise<ApiStatus | null> {
  try {
    return await api<ApiStatus>(peer, viewer, "GET", `/api/v1/statuses/${id}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

describe("post delivery", { timeout: TEST_TIMEOUT }, () => {
  it("a follower on another instance sees a public post in their home timeline", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Conseil municipal jeudi à 20 h");
    const seen = await waitForHomeStatus(B, bob, original.uri);
    expect({ text: textOf(seen.content), acct: seen.account.acct }).toEqual({ text: textOf(original.content), acct: acctOf(A, alice) });
  });

  it("a followers-only post reaches the follower on another instance", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Réservé aux abonnés", { visibility: "private" });
    const seen = await waitForHomeStatus(B, bob, original.uri);
    expect(seen.visibility).toBe("private");
  });

  it("a followers-only post never reaches an instance with no follower", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await resident(C, "carol");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Seulement mes abonnés", { visibility: "private" });
    await waitForHomeStatus(B, bob, original.uri);
    await settle([A, B, C]);
    expect(await stored(C, original.uri)).toBe(false);
  });

  it("a followers-only post is not shown to a resident of the follower's instance who does not follow", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const dave = await resident(B, "dave");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Pas pour Dave", { visibility: "private" });
    const copy = await waitForHomeStatus(B, bob, original.uri);
    expect(await statusAs(B, dave, copy.id)).toBeNull();
  });

  it("a direct post reaches the mentioned remote resident", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const original = await post(A, alice, `${handleOf(B, bob)} rendez-vous à la mairie ?`, { visibility: "direct" });
    const mention = await waitFor(
      async () => (await notifications(B, bob)).find((n) => n.type === "mention" && n.status?.uri === original.uri),
      WAIT,
      "the mention notification on B",
    );
    expect(mention.status?.visibility).toBe("direct");
  });

  it("a direct post is not shown to a follower of its author who is not mentioned", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const carol = await resident(B, "carol");
    await follow(B, carol, A, alice);
    const original = await post(A, alice, `${handleOf(B, bob)} entre nous`, { visibility: "direct" });
    const mention = await waitFor(
      async () => (await notifications(B, bob)).find((n) => n.status?.uri === original.uri),
      WAIT,
      "the direct post on B",
    );
    const home = await homeTimeline(B, carol);
    const asCarol = await statusAs(B, carol, mention.status!.id);
    expect({ inHome: home.some((s) => s.uri === original.uri), visible: asCarol !== null }).toEqual({ inHome: false, visible: false });
  });

  it("a direct post never reaches the instance of a follower who is not mentioned", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const carol = await resident(C, "carol");
    await follow(C, carol, A, alice);
    const original = await post(A, alice, `${handleOf(B, bob)} seulement toi`, { visibility: "direct" });
    await waitFor(async () => (await notifications(B, bob)).some((n) => n.status?.uri === original.uri), WAIT, "the direct post on B");
    await settle([A, B, C]);
    expect(await stored(C, original.uri)).toBe(false);
  });

  it("a mention of a remote resident in a public post notifies them", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const original = await post(A, alice, `Merci ${handleOf(B, bob)} pour l'organisation !`);
    const mention = await waitFor(
      async () => (await notifications(B, bob)).find((n) => n.type === "mention"),
      WAIT,
      "the mention notification on B",
    );
    expect({ uri: mention.status?.uri, from: mention.account.acct }).toEqual({ uri: original.uri, from: acctOf(A, alice) });
  });

  it("a mention of a remote resident is resolved to their account when posting", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const original = await post(A, alice, `Bonjour ${handleOf(B, bob)}`);
    expect(original.mentions.map((m) => m.acct)).toEqual([acctOf(B, bob)]);
  });
});

describe("reply threads across instances", { timeout: TEST_TIMEOUT }, () => {
  async function replyFromB() {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    await follow(A, alice, B, bob);
    const original = await post(A, alice, "Qui vient au nettoyage du parc samedi ?");
    const copyOnB = await waitForHomeStatus(B, bob, original.uri);
    const reply = await post(B, bob, `${handleOf(A, alice)} moi !`, { in_reply_to_id: copyOnB.id });
    return { alice, bob, original, copyOnB, reply };
  }

  it("a reply from another instance appears in the thread on the origin instance", async () => {
    const { alice, original, reply } = await replyFromB();
    const context = await waitFor(
      async () => {
        const c = await api<{ descendants: ApiStatus[] }>(A, alice, "GET", `/api/v1/statuses/${original.id}/context`);
        return c.descendants.length > 0 ? c : null;
      },
      WAIT,
      "the reply in the thread on A",
    );
    expect(context.descendants.map((s) => s.uri)).toEqual([reply.uri]);
  });

  it("a reply from another instance is attached to the post it answers on the origin instance", async () => {
    const { alice, original, reply } = await replyFromB();
    const copy = await waitForHomeStatus(A, alice, reply.uri);
    expect(copy.in_reply_to_id).toBe(original.id);
  });

  it("a reply's thread shows the remote original on the replier's instance", async () => {
    const { bob, copyOnB, reply } = await replyFromB();
    const context = await api<{ ancestors: ApiStatus[] }>(B, bob, "GET", `/api/v1/statuses/${reply.id}/context`);
    expect(context.ancestors.map((s) => s.id)).toEqual([copyOnB.id]);
  });

  it("a reply to a remote post counts in its replies on the origin instance", async () => {
    const { alice, original, reply } = await replyFromB();
    await waitForHomeStatus(A, alice, reply.uri);
    const after = await api<ApiStatus>(A, alice, "GET", `/api/v1/statuses/${original.id}`);
    expect(after.replies_count).toBe(1);
  });
});

describe("edits and deletions", { timeout: TEST_TIMEOUT }, () => {
  it("an edited post is updated on the follower's instance", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Réunion à 18 h");
    const copy = await waitForHomeStatus(B, bob, original.uri);
    await api(A, alice, "PUT", `/api/v1/statuses/${original.id}`, { status: "Réunion à 19 h (changement d'horaire)" });
    const edited = await waitFor(
      async () => {
        const s = await api<ApiStatus>(B, bob, "GET", `/api/v1/statuses/${copy.id}`);
        return s.content.includes("19 h") ? s : null;
      },
      WAIT,
      "the Update(Note) on B",
    );
    expect({ content: edited.content.includes("19 h"), edited: edited.edited_at !== null }).toEqual({ content: true, edited: true });
  });

  it("a deleted post disappears from the follower's instance", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Message envoyé par erreur");
    const copy = await waitForHomeStatus(B, bob, original.uri);
    await api(A, alice, "DELETE", `/api/v1/statuses/${original.id}`);
    const gone = await waitFor(async () => (await statusAs(B, bob, copy.id)) === null, WAIT, "the Delete(Note) on B");
    const home = await homeTimeline(B, bob);
    expect({ gone, inHome: home.some((s) => s.uri === original.uri) }).toEqual({ gone: true, inHome: false });
  });
});
