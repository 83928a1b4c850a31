// Polls and a fake Mastodon server: votes on our polls (Mastodon's vote Note),
// and Update(Question) tallies on a Mastodon poll (the interop fixture).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { findStatusByUri } from "../../../server/domain/statuses";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { rowsOf } from "../../../server/db/rows";
import { createResident, type Resident } from "../../helpers/factories";
import { countRows } from "../../helpers/api";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { followRemote, loadFixture, startFakeRemote, type FakeRemote, type Json } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";

let t: FederatedInstance;
let remote: FakeRemote;
let alice: Resident;

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
});

async function deliver(activity: Json): Promise<void> {
  const res = await remote.post(`${t.config.origin}/inbox`, activity);
  expect(res.status).toBe(202);
  await inboxIdle(t);
}

async function ensureActor(path: string): Promise<string> {
  const id = `${remote.origin}${path}`;
  if (!remote.actors.has(id)) await remote.addActor(path, { type: "Person" });
  return id;
}

async function alicePoll(extra: Record<string, unknown> = {}) {
  const res = await t.http
    .post("/api/v1/statuses")
    .set("Authorization", alice.auth)
    .send({ status: "Où installer le composteur ?", poll: { options: ["Place", "École"], expires_in: 3600 }, ...extra });
  expect(res.status).toBe(200);
  return res.body as { id: string; uri: string; poll: { id: string } };
}

/** Mastodon's vote: a Note named after the option, replying to the poll, to its author. */
function voteActivity(actor: string, pollUri: string, name: string, n = 1): Json {
  const id = `${actor}#votes/${n}`;
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${id}/activity`,
    type: "Create",
    actor,
    to: `${t.config.origin}/users/alice`,
    object: { id, type: "Note", name, attributedTo: actor, inReplyTo: pollUri, to: `${t.config.origin}/users/alice` },
  };
}

async function tallies(pollId: string) {
  const res = await t.http.get(`/api/v1/polls/${pollId}`).set("Authorization", alice.auth);
  return res.body.options.map((o: { votes_count: number }) => o.votes_count);
}

describe("votes from a Mastodon server on a resident's poll", () => {
  it("a vote is counted for its option, and is not stored as a post", async () => {
    const voter = await ensureActor("/users/votant");
    const poll = await alicePoll();
    await deliver(voteActivity(voter, poll.uri, "École"));
    expect(await tallies(poll.poll.id)).toEqual([0, 1]);
    expect(await countRows(t, "statuses")).toBe(1);
    const [vote] = rowsOf<{ uri: string }>(await t.services.db.execute(sql`select uri from poll_votes`));
    expect(vote.uri).toBe(`${voter}#votes/1`);
  });

  it("a second vote of the same voter in a single-choice poll is ignored", async () => {
    const voter = await ensureActor("/users/votant");
    const poll = await alicePoll();
    await deliver(voteActivity(voter, poll.uri, "École", 1));
    await deliver(voteActivity(voter, poll.uri, "Place", 2));
    expect(await tallies(poll.poll.id)).toEqual([0, 1]);
  });

  it("a vote for an option the poll does not have is ignored", async () => {
    const voter = await ensureActor("/users/votant");
    const poll = await alicePoll();
    await deliver(voteActivity(voter, poll.uri, "<script>alert(1)</script>"));
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it("a vote on a followers-only poll from a stranger is ignored", async () => {
    const voter = await ensureActor("/users/inconnu");
    const poll = await alicePoll({ visibility: "private" });
    await deliver(voteActivity(voter, poll.uri, "Place"));
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it("a vote on an ended poll is ignored", async () => {
    const voter = await ensureActor("/users/votant");
    const poll = await alicePoll();
    await t.services.db.execute(sql`update polls set expires_at = now() - interval '1 minute'`);
    await deliver(voteActivity(voter, poll.uri, "Place"));
    expect(await countRows(t, "poll_votes")).toBe(0);
  });
});

describe("a Mastodon poll", () => {
  it("Update(Question) from its author brings new tallies, without an edit", async () => {
    const rinpatch = await ensureActor("/users/rinpatch");
    await followRemote(t, alice, rinpatch);
    const create = loadFixture("mastodon-create-question.json", { "https://mastodon.sdf.org": remote.origin });
    await deliver(create);
    const question = create.object as Json;
    const row = await waitFor(() => findStatusByUri(t.services.domain, question.id as string));
    const options = (question.oneOf as Json[]).map((o, i) => ({ ...o, replies: { type: "Collection", totalItems: [5, 1, 0, 2][i] } }));
    await deliver({
      // Mastodon's context names votersCount (the fixture's older one does not)
      "@context": [...(create["@context"] as unknown[]), { votersCount: "http://joinmastodon.org/ns#votersCount" }],
      id: `${question.id}#updates/1`,
      type: "Update",
      actor: rinpatch,
      to: create.to,
      cc: create.cc,
      object: { ...question, oneOf: options, votersCount: 8 },
    });
    const res = await t.http.get(`/api/v1/statuses/${row.id}`).set("Authorization", alice.auth);
    expect(res.body.poll.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([5, 1, 0, 2]);
    expect(res.body.poll.voters_count).toBe(8);
    expect(res.body.edited_at).toBeNull();
  });

  it("Update(Question) from another actor changes nothing", async () => {
    const rinpatch = await ensureActor("/users/rinpatch");
    const mallory = await ensureActor("/users/mallory");
    await followRemote(t, alice, rinpatch);
    const create = loadFixture("mastodon-create-question.json", { "https://mastodon.sdf.org": remote.origin });
    await deliver(create);
    const question = create.object as Json;
    const row = await waitFor(() => findStatusByUri(t.services.domain, question.id as string));
    const options = (question.oneOf as Json[]).map((o) => ({ ...o, replies: { type: "Collection", totalItems: 99 } }));
    await deliver({ "@context": create["@context"], id: `${mallory}#updates/1`, type: "Update", actor: mallory, to: create.to, object: { ...question, oneOf: options } });
    const res = await t.http.get(`/api/v1/statuses/${row.id}`).set("Authorization", alice.auth);
    expect(res.body.poll.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([0, 1, 0, 1]);
  });
});
