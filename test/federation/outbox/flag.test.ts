// A resident's report of a remote account, forwarded: the Flag our instance
// actor signs and sends to the account's server, as that server receives it.
// It names the account, the reported posts and the comment, never the
// reporter; without `forward`, nothing is sent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { storeRemoteStatus } from "../../../server/domain/statuses";
import { createResident } from "../../helpers/factories";
import { waitFor } from "../../helpers/wait";
import { startFakeRemote, type FakeRemote } from "../support/fake-remote";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";

let t: FederatedInstance;
let remote: FakeRemote;
beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote({ deliveries: true });
});
afterAll(async () => {
  await remote.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  remote.posts.length = 0;
});

describe("a report forwarded as a Flag", () => {
  it("goes from the instance actor to the account's shared inbox, naming the account and the posts, never the reporter", async () => {
    const alice = await createResident(t, "alice");
    const zoe = await remote.account(t.services.domain, "zoe");
    const status = await storeRemoteStatus(t.services.domain, { uri: `${zoe.uri}/statuses/1`, authorId: zoe.id, content: "<p>Un message</p>", visibility: "public" });
    const res = await t.http
      .post("/api/v1/reports")
      .set("Authorization", alice.auth)
      .send({ account_id: zoe.id, status_ids: [status.id], comment: "Propos injurieux", category: "other", forward: true });
    expect(res.status).toBe(200);
    expect(res.body.forwarded).toBe(true);
    const [flag] = await waitFor(() => remote.received("Flag"), (l) => l.length > 0 && l[0].verified !== undefined);
    expect(flag.path).toBe("/inbox");
    expect(flag.verified).toBe(true);
    expect(flag.activity).toMatchObject({ type: "Flag", actor: `${t.config.origin}/actor`, object: [zoe.uri, status.uri], content: "Propos injurieux" });
    const raw = JSON.stringify(flag.activity);
    expect(raw).not.toContain("alice");
    expect(raw).not.toContain(alice.account.uri);
  });

  it("without forward, nothing is sent", async () => {
    const alice = await createResident(t, "alice");
    const zoe = await remote.account(t.services.domain, "zoe");
    await t.http.post("/api/v1/reports").set("Authorization", alice.auth).send({ account_id: zoe.id, comment: "Spam", category: "spam" }).expect(200);
    await t.http.post("/api/v1/reports").set("Authorization", alice.auth).send({ account_id: zoe.id, comment: "Spam", category: "spam", forward: "false" }).expect(200);
    await drainOutbox(t);
    expect(remote.posts).toEqual([]);
  });
});
