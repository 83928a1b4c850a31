// Polls: posting one, reading it, voting, the poll-ended job and its notifications.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { closeEndedPolls } from "../../server/domain/polls";
import { rowsOf } from "../../server/db/rows";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

async function postPoll(author: Resident, poll: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const res = await t.http
    .post("/api/v1/statuses")
    .set("Authorization", author.auth)
    .send({ status: "Quel jour pour le marché ?", poll: { options: ["Samedi", "Dimanche"], expires_in: 3600, ...poll }, ...extra });
  expect(res.status).toBe(200);
  return res.body;
}

async function voteAs(who: Resident, pollId: string, choices: unknown) {
  return t.http.post(`/api/v1/polls/${pollId}/votes`).set("Authorization", who.auth).send({ choices });
}

/** Moves a poll's end into the past (time passing, without waiting). */
async function endPoll(pollId: string) {
  await t.services.db.execute(sql`update polls set expires_at = now() - interval '1 minute' where id = ${pollId}`);
}

describe("posting a poll", () => {
  it("a status with poll options answers Mastodon's Poll entity", async () => {
    const alice = await createResident(t, "alice");
    const status = await postPoll(alice, { multiple: true });
    expect(status.poll).toMatchObject({
      expired: false,
      multiple: true,
      votes_count: 0,
      voters_count: 0,
      options: [
        { title: "Samedi", votes_count: 0 },
        { title: "Dimanche", votes_count: 0 },
      ],
      emojis: [],
      voted: true,
      own_votes: [],
    });
    const ends = new Date(status.poll.expires_at).getTime() - new Date(status.created_at).getTime();
    expect(Math.round(ends / 1000)).toBe(3600);
  });

  it("the poll is stored with its status", async () => {
    const alice = await createResident(t, "alice");
    const status = await postPoll(alice, { hide_totals: true });
    const rows = rowsOf<{ status_id: string; options: string[]; hide_totals: boolean }>(
      await t.services.db.execute(sql`select status_id::text, options, hide_totals from polls`),
    );
    expect(rows).toEqual([{ status_id: status.id, options: ["Samedi", "Dimanche"], hide_totals: true }]);
  });

  it("form-encoded poll parameters are understood, as apps send them", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .type("form")
      .send("status=Sondage&poll[options][]=Oui&poll[options][]=Non&poll[expires_in]=600&poll[multiple]=false");
    expect(res.status).toBe(200);
    expect(res.body.poll.options.map((o: { title: string }) => o.title)).toEqual(["Oui", "Non"]);
  });

  it("a poll shows in timelines and to other readers without their own flags when anonymous", async () => {
    const alice = await createResident(t, "alice");
    const status = await postPoll(alice);
    const res = await t.http.get(`/api/v1/polls/${status.poll.id}`);
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("voted");
    expect(res.body.id).toBe(status.poll.id);
  });

  it("/api/v2/instance advertises the poll limits", async () => {
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.configuration.polls).toEqual({ max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 });
  });
});

describe("voting", () => {
  it("a vote is counted and shown as the voter's own", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    const res = await voteAs(bob, status.poll.id, [1]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ votes_count: 1, voters_count: 1, voted: true, own_votes: [1] });
    expect(res.body.options[1].votes_count).toBe(1);
    expect(await countRows(t, "poll_votes")).toBe(1);
  });

  it("choices may come as form-encoded strings", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    const res = await t.http.post(`/api/v1/polls/${status.poll.id}/votes`).set("Authorization", bob.auth).type("form").send("choices[]=0");
    expect(res.status).toBe(200);
    expect(res.body.own_votes).toEqual([0]);
  });

  it("a multiple-choice poll takes several options and counts one voter", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice, { multiple: true });
    const res = await voteAs(bob, status.poll.id, [0, 1]);
    expect(res.body).toMatchObject({ votes_count: 2, voters_count: 1, own_votes: [0, 1] });
  });

  it("voting twice is refused with 422 and counts once", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    await voteAs(bob, status.poll.id, [0]);
    const again = await voteAs(bob, status.poll.id, [1]);
    expect(again.status).toBe(422);
    expect(await countRows(t, "poll_votes")).toBe(1);
  });

  it("two votes of the same resident at once count once", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    const results = await Promise.all([voteAs(bob, status.poll.id, [0]), voteAs(bob, status.poll.id, [1])]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(await countRows(t, "poll_votes")).toBe(1);
  });

  it("voting in an ended poll is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    await endPoll(status.poll.id);
    const res = await voteAs(bob, status.poll.id, [0]);
    expect(res.status).toBe(422);
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it("the author cannot vote in their own poll", async () => {
    const alice = await createResident(t, "alice");
    const status = await postPoll(alice);
    const res = await voteAs(alice, status.poll.id, [0]);
    expect(res.status).toBe(422);
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it.each([
    ["several choices in a single-choice poll", [0, 1]],
    ["an option that does not exist", [7]],
    ["a negative choice", [-1]],
    ["no choice", []],
    ["a text choice", ["Samedi"]],
    ["the same choice twice", [0, 0]],
    ["choices that are not a list of numbers", { a: 1 }],
  ])("%s is refused with 422 and nothing is stored", async (_label, choices) => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice, { multiple: false });
    const res = await voteAs(bob, status.poll.id, choices);
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual(expect.any(String));
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it("a poll on a followers-only status is not found for a stranger, to read or to vote", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice, {}, { visibility: "private" });
    expect((await t.http.get(`/api/v1/polls/${status.poll.id}`).set("Authorization", bob.auth)).status).toBe(404);
    expect((await voteAs(bob, status.poll.id, [0])).status).toBe(404);
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it("voting without a token is refused with 401; an unknown poll is 404", async () => {
    const alice = await createResident(t, "alice");
    const status = await postPoll(alice);
    expect((await t.http.post(`/api/v1/polls/${status.poll.id}/votes`).send({ choices: [0] })).status).toBe(401);
    expect((await t.http.get("/api/v1/polls/99999999")).status).toBe(404);
    expect((await t.http.get("/api/v1/polls/nope")).status).toBe(404);
  });

  it("a token with only read scope cannot vote", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    const { issueToken } = await import("../../server/auth/tokens");
    const { accessToken } = await issueToken(t.services.domain, { userId: bob.user.id, scopes: "read" });
    const res = await t.http.post(`/api/v1/polls/${status.poll.id}/votes`).set("Authorization", `Bearer ${accessToken}`).send({ choices: [0] });
    expect(res.status).toBe(403);
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it("hide_totals hides the counts from voters until the end, not from the author", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice, { hide_totals: true });
    const voted = await voteAs(bob, status.poll.id, [0]);
    expect(voted.body.options.map((o: { votes_count: number | null }) => o.votes_count)).toEqual([null, null]);
    const own = await t.http.get(`/api/v1/polls/${status.poll.id}`).set("Authorization", alice.auth);
    expect(own.body.options.map((o: { votes_count: number | null }) => o.votes_count)).toEqual([1, 0]);
  });
});

describe("when a poll ends", () => {
  it("its voters and its author get a poll notification", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const status = await postPoll(alice);
    await voteAs(bob, status.poll.id, [0]);
    await endPoll(status.poll.id);
    expect(await closeEndedPolls(t.services.domain)).toBe(1);
    for (const who of [alice, bob]) {
      const res = await t.http.get("/api/v1/notifications").set("Authorization", who.auth);
      expect(res.body.map((n: { type: string; status: { id: string } }) => [n.type, n.status.id])).toEqual([["poll", status.id]]);
    }
    const res = await t.http.get("/api/v1/notifications").set("Authorization", carol.auth);
    expect(res.body).toEqual([]);
  });

  it("the job closes a poll once: a second run notifies nobody again", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    await voteAs(bob, status.poll.id, [1]);
    await endPoll(status.poll.id);
    await closeEndedPolls(t.services.domain);
    expect(await closeEndedPolls(t.services.domain)).toBe(0);
    expect(await countRows(t, "notifications")).toBe(2);
  });

  it("a poll still open is left alone by the job", async () => {
    const alice = await createResident(t, "alice");
    await postPoll(alice);
    expect(await closeEndedPolls(t.services.domain)).toBe(0);
    expect(await countRows(t, "notifications")).toBe(0);
  });

  it("an ended poll reads as expired with its results", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice, { hide_totals: true });
    await voteAs(bob, status.poll.id, [1]);
    await endPoll(status.poll.id);
    const res = await t.http.get(`/api/v1/polls/${status.poll.id}`).set("Authorization", bob.auth);
    expect(res.body).toMatchObject({ expired: true, options: [{ votes_count: 0 }, { votes_count: 1 }] });
  });
});

describe("editing a post's poll", () => {
  it("new options start the vote again", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    await voteAs(bob, status.poll.id, [0]);
    const res = await t.http
      .put(`/api/v1/statuses/${status.id}`)
      .set("Authorization", alice.auth)
      .send({ status: "Quel jour, finalement ?", poll: { options: ["Vendredi", "Samedi"], expires_in: 7200 } });
    expect(res.status).toBe(200);
    expect(res.body.poll).toMatchObject({ id: status.poll.id, votes_count: 0, options: [{ title: "Vendredi" }, { title: "Samedi" }] });
    expect(await countRows(t, "poll_votes")).toBe(0);
  });

  it("the same options keep the votes", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    await voteAs(bob, status.poll.id, [1]);
    const res = await t.http
      .put(`/api/v1/statuses/${status.id}`)
      .set("Authorization", alice.auth)
      .send({ status: "Quel jour ? (précision)", poll: { options: ["Samedi", "Dimanche"], expires_in: 7200 } });
    expect(res.body.poll.votes_count).toBe(1);
  });

  it("poll null removes it; leaving it out keeps it", async () => {
    const alice = await createResident(t, "alice");
    const status = await postPoll(alice);
    const kept = await t.http.put(`/api/v1/statuses/${status.id}`).set("Authorization", alice.auth).send({ status: "Texte revu" });
    expect(kept.body.poll.id).toBe(status.poll.id);
    const removed = await t.http.put(`/api/v1/statuses/${status.id}`).set("Authorization", alice.auth).send({ status: "Sans sondage", poll: null });
    expect(removed.body.poll).toBeNull();
    expect(await countRows(t, "polls")).toBe(0);
  });

  it("an invalid poll in an edit is refused with 422 and nothing changes", async () => {
    const alice = await createResident(t, "alice");
    const status = await postPoll(alice);
    const res = await t.http.put(`/api/v1/statuses/${status.id}`).set("Authorization", alice.auth).send({ status: "x", poll: { options: ["seul"], expires_in: 3600 } });
    expect(res.status).toBe(422);
    const read = await t.http.get(`/api/v1/statuses/${status.id}`);
    expect([read.body.content, read.body.poll.options.length]).toEqual(["<p>Quel jour pour le marché ?</p>", 2]);
  });

  it("someone else cannot edit the poll", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await postPoll(alice);
    const res = await t.http.put(`/api/v1/statuses/${status.id}`).set("Authorization", bob.auth).send({ status: "x", poll: null });
    expect(res.status).toBe(403);
    expect(await countRows(t, "polls")).toBe(1);
  });
});
