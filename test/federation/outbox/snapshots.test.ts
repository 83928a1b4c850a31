// The JSON we send, as a remote server receives it, compared with saved
// snapshots (origins, ids and dates normalised; signatures and proofs left out
// because they change with every key).
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { Account } from "../../../server/domain/accounts";
import { updateProfile } from "../../../server/domain/accounts";
import { block } from "../../../server/domain/blocks";
import { follow, rejectFollowRequest, unfollow } from "../../../server/domain/follows";
import { favourite, reblog, unreblog } from "../../../server/domain/interactions";
import { uploadMedia } from "../../../server/domain/media";
import { deleteStatus, editStatus, storeStatus, type Status } from "../../../server/domain/statuses";
import { newId } from "../../../server/ids";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { drainOutbox } from "../support/instance";
import { type FakeRemote } from "../support/fake-remote";
import type { FederatedInstance } from "../support/instance";
import { normaliseActivity, sentActivities, useOutboxScene } from "../support/outbox-harness";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;
let bob: Account;

const ctx = () => t.services.domain;

useOutboxScene((scene) => ({ t, host, alice, bob } = scene));

const normalise = (activity: Record<string, unknown>) => normaliseActivity({ t, host }, activity);

/** The one activity of `type` sent from now on, normalised. */
async function sent(type: string, action: () => Promise<unknown>): Promise<unknown> {
  const [activity] = await sentActivities({ t, host }, type, action, { exactly: true });
  return normalise(activity);
}

async function remoteStatus(text: string): Promise<Status> {
  const id = newId();
  return storeStatus(ctx(), { id, uri: `${bob.uri}/statuses/${id}`, accountId: bob.id, content: `<p>${text}</p>`, visibility: "public", local: false }, [], []);
}

// a real 640×480 PNG (uploads are decoded: a broken one is refused)
const PNG = () => sharp({ create: { width: 640, height: 480, channels: 3, background: "#88aa44" } }).png().toBuffer();

describe("Create(Note)", () => {
  it("public, with a mention, a hashtag, a content warning and a language", async () => {
    const json = await sent("Create", () =>
      createPost(t, alice, `Bonjour @bob@${host.domain} ! #Marché demain`, { spoilerText: "Travaux", language: "fr" }),
    );
    expect(json).toMatchSnapshot();
  });

  it("with an image: a Document with its media type, alt text, size, blurhash and focal point", async () => {
    const media = await uploadMedia(ctx(), alice.account.id, await PNG(), "A map of the market", { x: 0.25, y: -0.5 });
    expect(media.blurhash).toBeTruthy();
    const json = (await sent("Create", () => createPost(t, alice, "The market", { mediaIds: [media.id] }))) as { object: { attachment?: unknown } };
    expect(json.object.attachment).toEqual([
      {
        type: "Document",
        mediaType: "image/png",
        name: "A map of the market",
        url: expect.stringMatching(/^https:\/\/parvis\.example\/media\/ID\d+\.png$/),
        width: 640,
        height: 480,
        // Mastodon's terms, compacted against the Note's context (it defines the `toot:` prefix, not the terms)
        "toot:blurhash": media.blurhash,
        "toot:focalPoint": { "@list": [0.25, -0.5] },
      },
    ]);
  });

  it("unlisted", async () => {
    expect(await sent("Create", () => createPost(t, alice, "Unlisted words", { visibility: "unlisted" }))).toMatchSnapshot();
  });

  it("followers-only, mentioning someone", async () => {
    expect(await sent("Create", () => createPost(t, alice, `For followers and @bob@${host.domain}`, { visibility: "private" }))).toMatchSnapshot();
  });

  it("direct", async () => {
    expect(await sent("Create", () => createPost(t, alice, `Only @bob@${host.domain}`, { visibility: "direct" }))).toMatchSnapshot();
  });

  it("a reply to a remote post", async () => {
    const parent = await remoteStatus("A question");
    expect(await sent("Create", () => createPost(t, alice, `@bob@${host.domain} an answer`, { inReplyToId: parent.id }))).toMatchSnapshot();
  });
});

describe("other activities", () => {
  it("Update(Note) after an edit", async () => {
    const post = await createPost(t, alice, "Before");
    await drainOutbox(t);
    expect(await sent("Update", () => editStatus(ctx(), alice.account, post.id, { text: "After" }))).toMatchSnapshot();
  });

  it("Delete(Tombstone)", async () => {
    const post = await createPost(t, alice, "Gone soon");
    await drainOutbox(t);
    expect(await sent("Delete", () => deleteStatus(ctx(), alice.account.id, post.id))).toMatchSnapshot();
  });

  it("Announce", async () => {
    const original = await remoteStatus("Worth sharing");
    expect(await sent("Announce", () => reblog(ctx(), alice.account, original.id))).toMatchSnapshot();
  });

  it("Undo(Announce)", async () => {
    const original = await remoteStatus("Worth sharing");
    await reblog(ctx(), alice.account, original.id);
    await drainOutbox(t);
    expect(await sent("Undo", () => unreblog(ctx(), alice.account, original.id))).toMatchSnapshot();
  });

  it("Like", async () => {
    const original = await remoteStatus("Nice");
    expect(await sent("Like", () => favourite(ctx(), alice.account, original.id))).toMatchSnapshot();
  });

  it("Follow", async () => {
    const carol = await host.account(ctx(), "carol");
    expect(await sent("Follow", () => follow(ctx(), alice.account, carol))).toMatchSnapshot();
  });

  it("Undo(Follow)", async () => {
    const carol = await host.account(ctx(), "carol");
    await follow(ctx(), alice.account, carol);
    await drainOutbox(t);
    expect(await sent("Undo", () => unfollow(ctx(), alice.account.id, carol.id))).toMatchSnapshot();
  });

  it("Accept(Follow)", async () => {
    const carol = await host.account(ctx(), "carol");
    expect(await sent("Accept", () => follow(ctx(), carol, alice.account, { uri: `${carol.uri}#follows/7` }))).toMatchSnapshot();
  });

  it("Reject(Follow)", async () => {
    const locked = await createResident(t, "lou", { locked: true });
    const carol = await host.account(ctx(), "carol");
    await follow(ctx(), carol, locked.account, { uri: `${carol.uri}#follows/8` });
    expect(await sent("Reject", () => rejectFollowRequest(ctx(), locked.account.id, carol.id))).toMatchSnapshot();
  });

  it("Block", async () => {
    const carol = await host.account(ctx(), "carol");
    expect(await sent("Block", () => block(ctx(), alice.account.id, carol.id))).toMatchSnapshot();
  });

  it("Update(Person)", async () => {
    const json = await sent("Update", () =>
      updateProfile(ctx(), alice.account.id, {
        displayName: "Alice Martin",
        note: "Conseillère municipale",
        fields: [{ name: "Mairie", value: "https://testville.fr" }],
      }),
    );
    const { object, ...activity } = json as { object: Record<string, unknown> };
    // keys are new each run
    const { publicKey: _pk, assertionMethod: _am, ...person } = object;
    expect({ ...activity, object: person }).toMatchSnapshot();
  });

  it("Delete(Person)", async () => {
    const uri = `${t.config.origin}/users/alice`;
    expect(
      await sent("Delete", async () =>
        t.services.events.emit("account.deleted", { accountId: alice.account.id, uri, local: true, followerInboxes: [`${host.origin}/inbox`] }),
      ),
    ).toMatchSnapshot();
  });
});
