// URLs from outside reach apps as links: only http(s) ones are kept. A remote
// post's url, a remote account's url, avatar and header, an attachment's url,
// and an app's website, each tried with javascript: and data: URLs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, apps } from "../../server/db/schema";
import { createApp } from "../../server/domain/access";
import { findStatusByUri } from "../../server/domain/statuses";
import { createResident, type Resident } from "../helpers/factories";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "./support/instance";
import { followRemote, remoteAccount, startFakeRemote, type FakeRemote, type Json } from "./support/fake-remote";
import { waitFor } from "../helpers/wait";

let t: FederatedInstance;
let remote: FakeRemote;
let alice: Resident;
let n = 0;

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote();
});
afterAll(async () => {
  await remote?.close();
  await t?.stop();
});
beforeEach(async () => {
  await t.reset();
  alice = await createResident(t, "alice");
});

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const HOSTILE = ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>"];

/** A remote author alice follows posts `object`; returns the status as alice's app sees it. */
async function receive(extra: Json, type = "Note"): Promise<Record<string, unknown>> {
  const path = `/users/author${++n}`;
  const actor = await remote.addActor(path);
  await followRemote(t, alice, actor.id);
  const id = `${actor.id}/statuses/${n}`;
  const object = { id, type, attributedTo: actor.id, content: "<p>hello</p>", to: [PUBLIC], ...extra };
  const res = await remote.post(`${t.config.origin}/inbox`, {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${id}#create`,
    type: "Create",
    actor: actor.id,
    to: [PUBLIC],
    object,
  });
  expect(res.status).toBe(202);
  await inboxIdle(t);
  const row = await waitFor(() => findStatusByUri(t.services.domain, id));
  const api = await t.http.get(`/api/v1/statuses/${row.id}`).set("Authorization", alice.auth);
  expect(api.status).toBe(200);
  return api.body;
}

/** A remote account with `extra` in its actor document, as alice's app sees it. */
async function remoteProfile(extra: Json): Promise<Record<string, string>> {
  const actor = await remote.addActor(`/users/someone${++n}`, { extra });
  const account = await remoteAccount(t, actor.id);
  const res = await t.http.get(`/api/v1/accounts/${account.id}`).set("Authorization", alice.auth);
  expect(res.status).toBe(200);
  return res.body;
}

describe("a remote post's url", () => {
  for (const url of HOSTILE) {
    it(`is its uri when a Note gives ${url.split(":")[0]}: as its url`, async () => {
      const status = await receive({ url });
      expect([status.url, status.uri]).toEqual([status.uri, expect.stringMatching(/^http:/)]);
    });
  }

  it("is its uri when an Article gives a javascript: url, and the article links nowhere else", async () => {
    const status = await receive({ url: HOSTILE[0], name: "A title" }, "Article");
    expect(status.url).toBe(status.uri);
    expect(String(status.content)).not.toMatch(/javascript:/i);
  });

  it("is kept when it is https", async () => {
    const status = await receive({ url: "https://example.org/@author/1" });
    expect(status.url).toBe("https://example.org/@author/1");
  });
});

describe("a remote account's", () => {
  for (const url of HOSTILE) {
    it(`url is its uri when the actor gives ${url.split(":")[0]}:`, async () => {
      const account = await remoteProfile({ url });
      expect(account.url).toBe(account.uri);
    });

    it(`avatar is the default one when the icon's url is ${url.split(":")[0]}:`, async () => {
      const account = await remoteProfile({ icon: { type: "Image", mediaType: "image/png", url } });
      expect(account.avatar).toBe(`${t.config.origin}/avatars/original/missing.png`);
    });

    it(`header is the default one when the image's url is ${url.split(":")[0]}:`, async () => {
      const account = await remoteProfile({ image: { type: "Image", mediaType: "image/png", url } });
      expect(account.header).toBe(`${t.config.origin}/headers/original/missing.png`);
    });
  }

  it("https avatar is kept (and served from our origin: ADR 0022)", async () => {
    const account = await remoteProfile({ icon: { type: "Image", mediaType: "image/png", url: `${remote.origin}/avatar.png` } });
    expect(account.avatar).toBe(`${t.config.origin}/media_proxy/avatars/${account.id}/original`);
    const [row] = await t.services.db.select({ avatarUrl: accounts.avatarUrl }).from(accounts).where(eq(accounts.id, account.id));
    expect(row.avatarUrl).toBe(`${remote.origin}/avatar.png`);
  });
});

describe("a remote attachment's url, remote_url and preview_url", () => {
  for (const url of HOSTILE) {
    it(`are never ${url.split(":")[0]}: (the attachment is left out)`, async () => {
      const status = await receive({
        attachment: [
          { type: "Document", mediaType: "image/png", url },
          { type: "Image", mediaType: "image/png", url: { type: "Link", href: url } },
          { type: "Document", mediaType: "image/png", url: `${remote.origin}/ok.png` },
        ],
      });
      const media = status.media_attachments as { id: string; url: string; remote_url: string; preview_url: string }[];
      const proxied = `${t.config.origin}/media_proxy/attachments/${media[0]?.id}`;
      expect(media.map((m) => [m.url, m.remote_url, m.preview_url])).toEqual([[`${proxied}/original`, `${remote.origin}/ok.png`, `${proxied}/small`]]);
    });
  }
});

describe("an app's website", () => {
  for (const website of [...HOSTILE, "file:///etc/passwd"]) {
    it(`${website.split(":")[0]}: is refused with 422 and no app is stored`, async () => {
      const res = await t.http.post("/api/v1/apps").send({ client_name: "x", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", website });
      expect([res.status, res.body.error]).toEqual([422, expect.stringMatching(/website/)]);
      expect(await t.services.db.select().from(apps)).toEqual([]);
    });
  }

  it("https is accepted as given", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "x", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", website: "https://example.org" });
    expect([res.status, res.body.website]).toEqual([200, "https://example.org"]);
  });

  it("stored as javascript: before this check is shown as null", async () => {
    const app = await createApp(t.services.domain, { name: "old", redirectUris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: "read", website: HOSTILE[0] });
    const token = (await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret })).body.access_token;
    const res = await t.http.get("/api/v1/apps/verify_credentials").set("Authorization", `Bearer ${token}`);
    expect([res.status, res.body.website]).toEqual([200, null]);
    expect((await t.services.db.select().from(apps).where(eq(apps.id, app.id)))[0].website).toBe(HOSTILE[0]);
  });
});
