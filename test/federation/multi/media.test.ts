// An attachment travelling between two real Parvis instances: the picture's
// alt text, size, blurhash and focal point arrive with the post, and the
// follower's instance serves the picture from its own origin (ADR 0022).
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { uploadMedia } from "../../../server/domain/media";
import { follow, post, resident, usePeers, TEST_TIMEOUT, waitForHomeStatus, type Peer } from "../../helpers/federation";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

interface ApiMedia {
  id: string;
  type: string;
  url: string;
  remote_url: string;
  description: string | null;
  blurhash: string | null;
  meta: { original?: { width: number; height: number }; focus?: { x: number; y: number } };
}

describe("attachments", { timeout: TEST_TIMEOUT }, () => {
  it("a picture with its alt text, blurhash and focal point arrives on the follower's instance", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#cc6633" } }).png().toBuffer();
    const media = await uploadMedia(A.services.domain, alice.account.id, png, "Le lampadaire cassé rue des Lilas", { x: -0.2, y: 0.3 });
    const original = await post(A, alice, "Lampadaire en panne", { media_ids: [media.id] });
    const seen = (await waitForHomeStatus(B, bob, original.uri)) as unknown as { media_attachments: ApiMedia[] };
    expect(seen.media_attachments).toHaveLength(1);
    const [arrived] = seen.media_attachments;
    expect(arrived).toMatchObject({
      type: "image",
      description: "Le lampadaire cassé rue des Lilas",
      blurhash: media.blurhash,
      meta: { original: { width: 300, height: 200 }, focus: { x: -0.2, y: 0.3 } },
    });
    expect(arrived.remote_url).toBe(`${A.services.config.origin}/media/${media.fileName}`);
    expect(arrived.url).toBe(`${B.services.config.origin}/media_proxy/attachments/${arrived.id}/original`);
    // B fetches it from A on the first request and serves its own re-encoded copy
    const served = await B.http.get(new URL(arrived.url).pathname).buffer(true).expect(200);
    expect(served.headers["content-type"]).toBe("image/png");
    const meta = await sharp(served.body as Buffer).metadata();
    expect([meta.width, meta.height]).toEqual([300, 200]);
  });
});
