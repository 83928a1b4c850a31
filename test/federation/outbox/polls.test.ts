// The poll activities we send, as a remote server receives them: Create(Question)
// in Mastodon's shape (snapshot), Update(Question) with new tallies after a
// vote, and a resident's vote in a remote poll as a named Note to its author.
import { describe, expect, it } from "vitest";
import type { Account } from "../../../server/domain/accounts";
import { vote } from "../../../server/domain/polls";
import { storeRemoteStatus } from "../../../server/domain/statuses";
import { newId } from "../../../server/ids";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { drainOutbox } from "../support/instance";
import { startFakeRemote, type FakeRemote } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";
import type { FederatedInstance } from "../support/instance";
import { normaliseActivity, sentActivities, useOutboxScene } from "../support/outbox-harness";
import { closeEndedPolls, pollOfStatus, recordRemoteVote } from "../../../server/domain/polls";
import { sql } from "drizzle-orm";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;
let bob: Account;

const ctx = () => t.services.domain;

useOutboxScene((scene) => ({ t, host, alice, bob } = scene));

const normalise = (activity: Record<string, unknown>) => normaliseActivity({ t, host }, activity);
const sent = (type: string, action: () => Promise<unknown>, count = 1) => sentActivities({ t, host }, type, action, { count });

describe("poll activities", () => {
  it("Create(Question) in Mastodon's shape", async () => {
    const [activity] = await sent("Create", () =>
      createPost(t, alice, "Quel jour pour le marché ?", { poll: { options: ["Samedi", "Dimanche"], expiresIn: 86_400 } }),
    );
    expect(normalise(activity)).toMatchSnapshot();
  });

  it("Update(Question) with the new tallies after a resident's vote", async () => {
    const carol = await createResident(t, "carol");
    const post = await createPost(t, alice, "Quel jour ?", { poll: { options: ["Samedi", "Dimanche"], expiresIn: 86_400, multiple: true } });
    const poll = (await pollOfStatus(ctx(), post.id))!;
    await drainOutbox(t);
    const [update] = await sent("Update", () => vote(ctx(), carol.account, poll.id, [0, 1]));
    const object = update.object as { type: string; anyOf: { name: string; replies: { totalItems: number } }[]; votersCount: number };
    expect(object.type).toBe("Question");
    expect(object.anyOf.map((o) => [o.name, o.replies.totalItems])).toEqual([
      ["Samedi", 1],
      ["Dimanche", 1],
    ]);
    expect(object.votersCount).toBe(1);
  });

  it("the new tallies also reach the server of a remote voter who does not follow the author", async () => {
    const other = await startFakeRemote({ deliveries: true, verify: false });
    try {
      const dave = await other.account(ctx(), "dave");
      const post = await createPost(t, alice, "Quel jour ?", { poll: { options: ["Samedi", "Dimanche"], expiresIn: 86_400 } });
      await drainOutbox(t);
      await recordRemoteVote(ctx(), { voterId: dave.id, pollStatusId: post.id, optionName: "Dimanche", uri: `${dave.uri}#votes/1` });
      const updates = await waitFor(
        () => other.received("Update"),
        (p) => p.length >= 1,
      );
      const object = updates[0].activity.object as { oneOf: { replies: { totalItems: number } }[] };
      expect(object.oneOf.map((o) => o.replies.totalItems)).toEqual([0, 1]);
    } finally {
      await other.close();
    }
  });

  it("a resident's vote in a remote poll goes to its author as Notes named after the options", async () => {
    const id = newId();
    const uri = `${bob.uri}/statuses/${id}`;
    const status = await storeRemoteStatus(ctx(), {
      uri,
      authorId: bob.id,
      content: "<p>Which one?</p>",
      visibility: "public",
      objectType: "Question",
      poll: { options: ["Tea", "Coffee", "Both"], tallies: [1, 0, 0], multiple: true, expiresAt: new Date(Date.now() + 3600_000), votersCount: 1 },
    });
    const poll = (await pollOfStatus(ctx(), status.id))!;
    const activities = await sent("Create", () => vote(ctx(), alice.account, poll.id, [1, 2]), 2);
    expect(activities.map((a) => normalise(a))).toMatchSnapshot();
    expect(activities.map((a) => (a.object as { name: string }).name).sort()).toEqual(["Both", "Coffee"]);
  });

  it("when a remote poll ends, the residents who voted in it are notified and nothing is sent", async () => {
    const id = newId();
    const status = await storeRemoteStatus(ctx(), {
      uri: `${bob.uri}/statuses/${id}`,
      authorId: bob.id,
      content: "<p>Which one?</p>",
      visibility: "public",
      objectType: "Question",
      poll: { options: ["Tea", "Coffee"], tallies: [0, 0], multiple: false, expiresAt: new Date(Date.now() + 3600_000), votersCount: 0 },
    });
    const poll = (await pollOfStatus(ctx(), status.id))!;
    await vote(ctx(), alice.account, poll.id, [0]);
    await drainOutbox(t);
    const before = host.posts.length;
    await t.services.db.execute(sql`update polls set expires_at = now() - interval '1 minute'`);
    expect(await closeEndedPolls(ctx())).toBe(1);
    await drainOutbox(t);
    const res = await t.http.get("/api/v1/notifications?types[]=poll").set("Authorization", alice.auth);
    expect(res.body.map((n: { type: string; status: { id: string } }) => [n.type, n.status.id])).toEqual([["poll", status.id]]);
    expect(host.posts.length).toBe(before);
  });
});
