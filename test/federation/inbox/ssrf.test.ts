// With private addresses NOT allowed (production): actor, key, inbox and
// attachment URLs pointing at loopback, link-local (cloud metadata), file: or
// data: are never fetched nor stored.
//
// Actors on "https://remote.example" exist only in the instance's document
// cache (seeded below), so the test needs no public network.
import { Note } from "@fedify/vocab";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { findAccountByUri } from "../../../server/domain/accounts";
import { findStatusByUri } from "../../../server/domain/statuses";
import { countRows } from "../../helpers/api";
import { postData, resolveActor } from "../../../federation/resolve";
import { createResident } from "../../helpers/factories";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { makeActor, startFakeRemote, type FakeActor, type FakeRemote, type Json } from "../support/fake-remote";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;

let t: FederatedInstance;
let loopback: FakeRemote;
let local: FakeActor;
let n = 0;

beforeAll(async () => {
  t = await startFederatedInstance({ env: { PARVIS_ALLOW_PRIVATE_ADDRESS: "false" } });
  loopback = await startFakeRemote();
  local = await loopback.addActor("/users/bob");
});
afterAll(async () => {
  await loopback.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  loopback.fetched.length = 0;
  await createResident(t, "alice");
});

const inbox = () => `${t.config.origin}/inbox`;

/** Puts an actor document in the instance's document cache, as if fetched from its (public) server. */
async function seed(actor: FakeActor): Promise<void> {
  for (const url of [actor.id, actor.keyId]) {
    await t.parvis.kv.set(["_fedify", "remoteDocument", url], { contextUrl: null, document: actor.document, documentUrl: actor.id });
  }
}

function createNote(actor: FakeActor, extra: Json = {}): Json {
  const id = `${actor.id}/statuses/${++n}`;
  return {
    "@context": AS,
    id: `${id}/activity`,
    type: "Create",
    actor: actor.id,
    to: [PUBLIC],
    object: { id, type: "Note", attributedTo: actor.id, content: "hello", to: [PUBLIC], ...extra },
  };
}

describe("without private addresses", () => {
  it("an activity signed by an actor on a loopback address is refused and its server never contacted", async () => {
    const res = await loopback.post(inbox(), createNote(local));
    await inboxIdle(t);
    expect([res.status, loopback.fetched, await countRows(t, "accounts")]).toEqual([401, [], 1]);
  });

  it("an activity whose key is on the cloud metadata address is refused", async () => {
    const metadata = await makeActor("http://169.254.169.254/latest/meta-data/bob");
    const res = await loopback.post(inbox(), createNote(metadata), { as: metadata });
    await inboxIdle(t);
    expect([res.status, await countRows(t, "accounts")]).toEqual([401, 1]);
  });

  it("search does not resolve a loopback actor URL and does not contact it", async () => {
    const hit = await t.services.domain.resolveRemoteUrl!(local.id);
    expect([hit, loopback.fetched, await findAccountByUri(t.services.domain, local.id)]).toEqual([null, [], undefined]);
  });

  it.each(["file:///etc/passwd", "data:application/activity+json,%7B%22id%22%3A%22x%22%7D", "http://169.254.169.254/latest/meta-data/"])(
    "search does not resolve %s",
    async (url) => {
      expect(await t.services.domain.resolveRemoteUrl!(url)).toBeNull();
    },
  );

  // Inbox activities are verified with the instance actor's signed (uncached)
  // loader, which cannot reach the fictitious remote.example: these two go
  // through the resolution and translation code the inbox handlers use.
  it("an actor whose inbox is on a loopback address is not stored", async () => {
    const sneaky = await makeActor("https://remote.example/users/sneaky", {
      extra: { inbox: "http://127.0.0.1:9/inbox", endpoints: { sharedInbox: "http://127.0.0.1:9/inbox" } },
    });
    await seed(sneaky);
    const account = await resolveActor(t.parvis.context(), sneaky.id);
    expect([account, await findAccountByUri(t.services.domain, sneaky.id)]).toEqual([null, undefined]);
  });

  it("a public actor is stored from the same cache (the check above can fail)", async () => {
    const fine = await makeActor("https://remote.example/users/fine");
    await seed(fine);
    expect((await resolveActor(t.parvis.context(), fine.id))?.uri).toBe(fine.id);
  });

  it("attachments on private, metadata, file: or data: URLs are dropped; a public one is kept", async () => {
    const carol = await makeActor("https://remote.example/users/carol");
    await seed(carol);
    const account = (await resolveActor(t.parvis.context(), carol.id))!;
    const activity = createNote(carol, {
      attachment: [
        { type: "Document", mediaType: "image/png", url: "http://169.254.169.254/latest/meta-data/iam" },
        { type: "Document", mediaType: "image/png", url: "http://127.0.0.1:5432/x.png" },
        { type: "Document", mediaType: "image/png", url: "http://[::1]/x.png" },
        { type: "Document", mediaType: "image/png", url: "file:///etc/passwd" },
        { type: "Document", mediaType: "image/png", url: "data:image/png;base64,iVBORw0KGgo=" },
        { type: "Document", mediaType: "image/png", url: "https://remote.example/media/ok.png" },
      ],
    });
    const note = await Note.fromJsonLd({ "@context": AS, ...(activity.object as Json) });
    const data = await postData(t.parvis.context(), note, account);
    expect(data?.attachments?.map((a) => a.url)).toEqual(["https://remote.example/media/ok.png"]);
  });
});
