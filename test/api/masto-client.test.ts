// masto.js (a third-party Mastodon client library, unmodified) against a running
// Parvis: it logs in with the authorization code and PKCE found in the RFC 8414
// metadata (the authorize form driven over HTTP, as a browser would), receives a
// post, its edit, its deletion and a notification live over the streaming API,
// and reads grouped notifications.
import { createHash, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient, type mastodon } from "masto";
import { realtimeModule } from "../../server/realtime";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";
import { waitFor } from "../helpers/wait";

let t: TestInstance;
useTestInstance((x) => (t = x), { modules: () => [realtimeModule] });

const REDIRECT = "https://client.example/oauth/callback";
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function cookieJar() {
  const jar = new Map<string, string>();
  return {
    take(res: Response) {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const eq = pair.indexOf("=");
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    },
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
  };
}

/** The hidden fields of the authorize page's form, as a browser would submit them. */
function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]] = m[2].replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  }
  return out;
}

/** Logs in as a third-party app would: metadata → app → authorize form → code → token (PKCE S256). */
async function logIn(username: string): Promise<string> {
  const metadata = (await (await fetch(`${t.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, string | string[]>;
  expect(metadata.code_challenge_methods_supported).toContain("S256");
  const anonymous = createRestAPIClient({ url: t.url });
  const app = await anonymous.v1.apps.create({ clientName: "masto.js test", redirectUris: REDIRECT, scopes: "read write follow" });

  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const authorize = new URL(String(metadata.authorization_endpoint));
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: app.clientId!,
    redirect_uri: REDIRECT,
    scope: "read write follow",
    state: "s-1",
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  // the metadata names the canonical origin; the test server listens on loopback
  const local = (u: URL) => `${t.url}${u.pathname}${u.search}`;
  const jar = cookieJar();
  const page = await fetch(local(authorize));
  expect(page.status).toBe(200);
  jar.take(page);
  const fields = hiddenFields(await page.text());
  const post = (body: Record<string, string>) =>
    fetch(`${t.url}/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.header() },
      body: new URLSearchParams(body),
    });
  const login = await post({ ...fields, action: "login", username, password: "correct horse battery" });
  expect(login.status).toBe(200);
  jar.take(login);
  const consent = hiddenFields(await login.text());
  const approve = await post({ ...consent, action: "approve" });
  expect(approve.status).toBe(302);
  const location = new URL(approve.headers.get("location")!);
  expect(location.searchParams.get("state")).toBe("s-1");

  const oauth = createOAuthAPIClient({ url: t.url });
  const params = {
    grantType: "authorization_code",
    clientId: app.clientId!,
    clientSecret: app.clientSecret!,
    redirectUri: REDIRECT,
    code: location.searchParams.get("code")!,
    codeVerifier: verifier,
  } as const;
  const token = await oauth.token.create(params as mastodon.oauth.CreateTokenParams);
  return token.accessToken;
}

describe("masto.js", () => {
  it("logs in with PKCE, streams a post, its edit, its deletion and a notification, and reads grouped notifications", async () => {
    await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const accessToken = await logIn("alice");

    const rest = createRestAPIClient({ url: t.url, accessToken });
    const me = await rest.v1.accounts.verifyCredentials();
    expect(me.username).toBe("alice");
    await rest.v1.accounts.$select(bob.account.id).follow();

    const instance = await rest.v2.instance.fetch();
    const streamingApiUrl = instance.configuration.urls.streaming.replace(/^ws:\/\/[^/]+/, t.url.replace(/^http/, "ws"));
    const streaming = createStreamingAPIClient({ streamingApiUrl, accessToken, retry: false });
    closers.push(() => streaming.close());
    const events: mastodon.streaming.Event[] = [];
    const subscription = streaming.user.subscribe();
    void (async () => {
      try {
        for await (const event of subscription) events.push(event);
      } catch {
        // closed at the end of the test
      }
    })();
    // masto.js connects after a back-off second: once one of alice's own posts arrives, the stream is up
    for (let attempt = 0; ; attempt++) {
      const probe = await rest.v1.statuses.create({ status: `probe ${attempt}`, visibility: "private" });
      const arrived = await waitFor(() => events.find((e) => e.event === "update" && e.payload.id === probe.id), 1000).catch(() => undefined);
      if (arrived) break;
      if (attempt > 10) throw new Error("the stream never opened");
    }
    events.splice(0);

    const created = await t.http.post("/api/v1/statuses").set("Authorization", bob.auth).send({ status: "live from bob" });
    const update = await waitFor(() => events.find((e) => e.event === "update"));
    expect(update.event === "update" && update.payload.id).toBe(created.body.id);

    await t.http.put(`/api/v1/statuses/${created.body.id}`).set("Authorization", bob.auth).send({ status: "live from bob, edited" });
    const edited = await waitFor(() => events.find((e) => e.event === "status.update"));
    expect(edited.event === "status.update" && edited.payload.content).toContain("edited");

    await t.http.delete(`/api/v1/statuses/${created.body.id}`).set("Authorization", bob.auth);
    const deleted = await waitFor(() => events.find((e) => e.event === "delete"));
    expect(deleted.payload).toBe(created.body.id);

    const mine = await rest.v1.statuses.create({ status: "favourite me" });
    for (const fan of [bob, carol]) await t.http.post(`/api/v1/statuses/${mine.id}/favourite`).set("Authorization", fan.auth);
    const notification = await waitFor(() => events.find((e) => e.event === "notification"));
    expect(notification.event === "notification" && notification.payload.type).toBe("favourite");

    const grouped = await rest.v2.notifications.list();
    expect(grouped.notificationGroups).toHaveLength(1);
    const [group] = grouped.notificationGroups;
    expect(group.type).toBe("favourite");
    expect(group.notificationsCount).toBe(2);
    expect(group.sampleAccountIds).toEqual([carol.account.id, bob.account.id]);
    expect(grouped.accounts.map((a) => a.username).sort()).toEqual(["bob", "carol"]);
    expect(grouped.statuses.map((s) => s.id)).toEqual([mine.id]);
    const one = await rest.v2.notifications.$select(group.groupKey).fetch();
    expect(one.notificationGroups[0].groupKey).toBe(group.groupKey);
    const unread = await rest.v2.notifications.unreadCount.fetch();
    expect(unread.count).toBe(1);
  });
});
