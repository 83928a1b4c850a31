// Polls between two Parvis instances: the Question goes out with the post, a
// vote from the other instance is counted on the poll's own instance, and the
// new tallies come back with Update(Question).
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import {
  api,
  follow,
  post,
  resident,
  usePeers,
  TEST_TIMEOUT,
  WAIT,
  waitForHomeStatus,
  type Peer,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";
import { rowsOf } from "../../../server/db/rows";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

interface ApiPoll {
  id: string;
  votes_count: number;
  voters_count: number | null;
  multiple: boolean;
  options: { title: string; votes_count: number | null }[];
  own_votes?: number[];
}

describe("polls across instances", { timeout: TEST_TIMEOUT }, () => {
  it("a poll reaches the other instance, a vote from there is counted at home, and the tallies come back", async () => {
    const alice = await resident(A, "alice");
    const carol = await resident(A, "carol");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Quel nom pour la médiathèque ?", {
      poll: { options: ["Jules Verne", "Colette", "Simone Veil"], expires_in: 86_400 },
    });
    const copy = (await waitForHomeStatus(B, bob, original.uri)) as unknown as { id: string; poll: ApiPoll };
    // the Question arrived with its options
    expect(copy.poll.options.map((o) => o.title)).toEqual(["Jules Verne", "Colette", "Simone Veil"]);
    expect(copy.poll.multiple).toBe(false);

    // bob votes on B: a Note named "Colette" goes to alice's instance
    const voted = await api<ApiPoll>(B, bob, "POST", `/api/v1/polls/${copy.poll.id}/votes`, { choices: [1] });
    expect(voted.own_votes).toEqual([1]);
    const home = await waitFor(
      async () => {
        const s = await api<{ poll: ApiPoll }>(A, alice, "GET", `/api/v1/statuses/${original.id}`);
        return s.poll.votes_count === 1 ? s.poll : null;
      },
      WAIT,
      "the vote counted on A",
    );
    expect(home.options.map((o) => o.votes_count)).toEqual([0, 1, 0]);
    const votes = rowsOf<{ uri: string | null }>(await A.services.db.execute(sql`select uri from poll_votes`));
    expect(votes).toHaveLength(1);
    expect(votes[0].uri).toContain("#votes/");

    // carol votes on A: the Update(Question) brings the new tallies to B
    await api(A, carol, "POST", `/api/v1/polls/${home.id}/votes`, { choices: [2] });
    const remote = await waitFor(
      async () => {
        const s = await api<{ poll: ApiPoll }>(B, bob, "GET", `/api/v1/statuses/${copy.id}`);
        return s.poll.votes_count === 2 ? s.poll : null;
      },
      WAIT,
      "the Update(Question) on B",
    );
    expect(remote.options.map((o) => o.votes_count)).toEqual([0, 1, 1]);
    // a tally update is not an edit
    const after = await api<{ edited_at: string | null }>(B, bob, "GET", `/api/v1/statuses/${copy.id}`);
    expect(after.edited_at).toBeNull();
  });

  it("a second vote of the same remote voter is refused where it is cast and counted once at home", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Ouverture le dimanche ?", { poll: { options: ["Oui", "Non"], expires_in: 86_400 } });
    const copy = (await waitForHomeStatus(B, bob, original.uri)) as unknown as { id: string; poll: ApiPoll };
    await api(B, bob, "POST", `/api/v1/polls/${copy.poll.id}/votes`, { choices: [0] });
    await expect(api(B, bob, "POST", `/api/v1/polls/${copy.poll.id}/votes`, { choices: [1] })).rejects.toMatchObject({ status: 422 });
    const home = await waitFor(
      async () => {
        const s = await api<{ poll: ApiPoll }>(A, alice, "GET", `/api/v1/statuses/${original.id}`);
        return s.poll.votes_count === 1 ? s.poll : null;
      },
      WAIT,
      "the vote counted on A",
    );
    expect(home.options.map((o) => o.votes_count)).toEqual([1, 0]);
  });
});
