// Hostile input at the edge, on EVERY route: the Express routes are read from
// the app's router stack and the ActivityPub ones listed from the federation
// paths, then each is sent each kind of bad input (lone UTF-16 surrogates,
// NUL characters, ids and cursors beyond 64 bits, malformed percent-encoding,
// malformed multipart). Whatever the route, the answer is never a 5xx.
// Then the cases from the report, one by one, with their effect checked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { issueToken } from "../../server/auth/tokens";
import { accounts, apps } from "../../server/db/schema";
import { getSettings } from "../../server/domain/instance";
import { findStatusByUri } from "../../server/domain/statuses";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { fillParams, listRoutes, type RouteInfo } from "../helpers/routes";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "../federation/support/instance";
import { followRemote, startFakeRemote, type FakeRemote } from "../federation/support/fake-remote";
import { waitFor } from "../helpers/wait";
import { pngBytes } from "../helpers/accounts-suite";

let t: FederatedInstance;
let remote: FakeRemote;
let admin: Resident;

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
  admin = await createResident(t, "admin", { role: "admin" });
});

/** A lone high surrogate, then a lone low one: not valid UTF-16, not storable in jsonb. */
const LONE = "a\ud800b\udc00c";
const REPLACED = "a\ufffdb\ufffdc";

/** Plausible values for the fields our endpoints read; each is made bad in turn. */
const BASE: Record<string, unknown> = {
  client_name: "app",
  redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
  website: "https://example.org",
  scopes: "read",
  status: "hello",
  spoiler_text: "cw",
  display_name: "name",
  note: "bio",
  fields_attributes: [{ name: "a", value: "b" }],
  description: "desc",
  charter: "charter",
  text: "rule",
  q: "query",
  username: "newcomer",
  email: "newcomer@example.org",
  reason: "why",
  agreement: true,
  locale: "fr",
  domain: "example.org",
  severity: "block",
  comment: "comment",
};

function badValue(value: unknown): unknown {
  if (typeof value === "string") return LONE;
  if (Array.isArray(value)) return [{ name: LONE, value: LONE }];
  return { [LONE]: LONE };
}

async function freshAuth(): Promise<string> {
  const { accessToken } = await issueToken(t.services.domain, { userId: admin.user.id });
  return `Bearer ${accessToken}`;
}

function send(method: string, path: string, auth: string) {
  const agent = t.http as unknown as Record<string, (p: string) => import("supertest").Test>;
  return agent[method](path).set("Authorization", auth);
}

interface Answer {
  route: string;
  kind: string;
  status: number;
}

function fiveHundreds(answers: Answer[]): Answer[] {
  return answers.filter((a) => a.status >= 500);
}

const WRITE = new Set(["post", "put", "patch", "delete"]);

/** The ActivityPub and discovery paths Fedify answers (ours: server/urls.ts, federation/index.ts). */
const FEDERATION_ROUTES: RouteInfo[] = [
  { method: "get", path: "/users/:username" },
  { method: "get", path: "/users/:username/statuses/:id" },
  { method: "get", path: "/users/:username/outbox" },
  { method: "get", path: "/users/:username/followers" },
  { method: "get", path: "/users/:username/following" },
  { method: "get", path: "/users/:username/collections/featured" },
  { method: "post", path: "/users/:username/inbox" },
  { method: "post", path: "/inbox" },
  { method: "get", path: "/actor" },
  { method: "get", path: "/.well-known/webfinger" },
  { method: "get", path: "/.well-known/nodeinfo" },
  { method: "get", path: "/nodeinfo/2.1" },
];

const BAD_PARAMS = ["a%00b", "%00", "99999999999999999999", "9223372036854775808", "%ED%A0%80", "%FF"];
const BAD_QUERIES = [
  "q=a%00b&resource=acct%3Aadmin%00%40x",
  "max_id=9223372036854775808&min_id=99999999999999999999&since_id=18446744073709551616&limit=99999999999999999999",
  "cursor=9223372036854775808&page=true",
  "cursor=99999999999999999999&page=true",
  "q=%ED%A0%80&acct=%ED%A0%80&resource=%ED%A0%80&id[]=%ED%A0%80",
  "%00=1",
];

type Prepare = (r: import("supertest").Test) => import("supertest").Test;

/** The bad requests for one route: [kind, path, how the request is completed]. */
function badRequests(route: RouteInfo): [string, string, Prepare][] {
  const base = fillParams(route.path.replace(":username", "admin"), "1");
  const out: [string, string, Prepare][] = [];
  const plain: Prepare = (r) => r;
  if (route.path.includes(":")) for (const bad of BAD_PARAMS) out.push([`param ${bad}`, fillParams(route.path, bad), plain]);
  out.push(["NUL appended to the path", `${base}%00`, plain]);
  for (const query of BAD_QUERIES) out.push([`query ${query}`, `${base}?${query}`, plain]);
  if (!WRITE.has(route.method)) return out;
  out.push(["JSON with lone surrogates everywhere", base, (r) => r.send(Object.fromEntries(Object.entries(BASE).map(([k, v]) => [k, badValue(v)])))]);
  for (const field of Object.keys(BASE)) {
    out.push([`JSON with a lone surrogate in ${field}`, base, (r) => r.send({ ...BASE, [field]: badValue(BASE[field]) })]);
    out.push([`JSON with a lone surrogate in ${field} alone`, base, (r) => r.send({ [field]: badValue(BASE[field]) })]);
  }
  out.push(["JSON with a lone surrogate as a key", base, (r) => r.send({ [LONE]: 1, ...BASE })]);
  out.push([
    "multipart without a boundary",
    base,
    (r) => r.set("Content-Type", "multipart/form-data").send('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'),
  ]);
  out.push([
    "truncated multipart",
    base,
    (r) =>
      r
        .set("Content-Type", "multipart/form-data; boundary=x")
        .send('--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG'),
  ]);
  out.push([
    "multipart with a field that is not UTF-8",
    base,
    (r) => r.set("Content-Type", "multipart/form-data; boundary=x").send(Buffer.from('--x\r\nContent-Disposition: form-data; name="description"\r\n\r\n\xed\xa0\x80\r\n--x--\r\n', "latin1")),
  ]);
  return out;
}

/** Sends every bad request to every route (a few at a time) and collects the statuses. */
async function walk(routes: RouteInfo[], accept?: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const route of routes) {
    const auth = await freshAuth();
    const name = `${route.method.toUpperCase()} ${route.path}`;
    const pending = badRequests(route);
    while (pending.length) {
      await Promise.all(
        pending.splice(0, 6).map(async ([kind, path, prepare]) => {
          let req = send(route.method, path, auth);
          if (accept) req = req.set("Accept", accept);
          const res = await prepare(req);
          answers.push({ route: name, kind, status: res.status });
        }),
      );
    }
  }
  return answers;
}

describe("every route with every kind of bad input", () => {
  it("no Express route answers a 5xx", async () => {
    const routes = listRoutes(t.instance.server);
    // a sanity check that the walk reads the router stack and not an empty list
    expect(routes.length).toBeGreaterThan(60);
    expect(fiveHundreds(await walk(routes))).toEqual([]);
  }, 900_000);

  it("no ActivityPub or discovery path answers a 5xx", async () => {
    await createPost(t, admin, "a public post");
    const answers = [...(await walk(FEDERATION_ROUTES, "application/activity+json")), ...(await walk(FEDERATION_ROUTES))];
    expect(fiveHundreds(answers)).toEqual([]);
  }, 300_000);
});

describe("lone surrogates are replaced by U+FFFD once, at the edge", () => {
  it("in the redirect_uris and name of an app registered without login", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: LONE, redirect_uris: [`https://example.org/${LONE}`] });
    expect(res.status).toBe(200);
    const [row] = await t.services.db.select().from(apps).where(eq(apps.id, res.body.id));
    expect([row.name, row.redirectUris]).toEqual([REPLACED, [`https://example.org/${REPLACED}`]]);
  });

  it("in profile fields (fields_attributes)", async () => {
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", admin.auth)
      .send({ fields_attributes: [{ name: LONE, value: LONE }] });
    expect(res.status).toBe(200);
    const [row] = await t.services.db.select().from(accounts).where(eq(accounts.id, admin.account.id));
    expect((row.fields as { name: string }[]).map((f) => f.name)).toEqual([REPLACED]);
  });

  it("in the instance description and charter", async () => {
    const res = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ description: LONE, charter: LONE });
    expect(res.status).toBe(200);
    const settings = await getSettings(t.services.domain);
    expect([settings.description, settings.charter]).toEqual([REPLACED, REPLACED]);
  });

  it("in a remote note's text handled by the inbox worker (and a NUL there too)", async () => {
    const bob = await remote.addActor("/users/bob");
    await followRemote(t, admin, bob.id);
    const note = {
      id: `${remote.origin}/users/bob/statuses/1`,
      type: "Note",
      attributedTo: bob.id,
      content: `<p>${LONE}\u0000</p>`,
      summary: LONE,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      tag: [{ type: "Hashtag", name: `#${LONE}` }],
      attachment: [{ type: "Document", mediaType: "image/png", url: `${remote.origin}/a.png`, name: LONE }],
    };
    const res = await remote.post(`${t.config.origin}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${note.id}#create`,
      type: "Create",
      actor: bob.id,
      to: note.to,
      object: note,
    });
    expect(res.status).toBe(202);
    await inboxIdle(t);
    const row = await waitFor(() => findStatusByUri(t.services.domain, note.id));
    expect([row.content, row.spoilerText]).toEqual([`<p>${REPLACED}\ufffd</p>`, REPLACED]);
  });
});

describe("the cases of the report", () => {
  it("an ActivityPub GET of a status id beyond 64 bits is 404", async () => {
    const res = await t.http.get("/users/admin/statuses/9999999999999999999").set("Accept", "application/activity+json");
    expect(res.status).toBe(404);
  });

  it("an outbox page with a cursor beyond 64 bits is an empty page, not a 500", async () => {
    await createPost(t, admin, "a public post");
    const res = await t.http.get("/users/admin/outbox?cursor=9223372036854775808").set("Accept", "application/activity+json");
    expect(res.status).toBe(200);
    expect(res.body.orderedItems ?? []).toEqual([]);
  });

  it("a NUL character in a WebFinger resource is refused with 400", async () => {
    const res = await t.http.get("/.well-known/webfinger?resource=acct%3Aadmin%00%40localhost");
    expect(res.status).toBe(400);
  });

  it("a NUL character in a federation path is refused with 400", async () => {
    const res = await t.http.get("/users/ad%00min").set("Accept", "application/activity+json");
    expect(res.status).toBe(400);
  });

  it("a media upload without a multipart boundary is refused with 400 and stores nothing", async () => {
    const res = await t.http.post("/api/v2/media").set("Authorization", admin.auth).set("Content-Type", "multipart/form-data").send("garbage");
    expect([res.status, res.body.error]).toEqual([400, "Malformed multipart body"]);
  });

  it("a truncated multipart profile update is refused with 400 and changes nothing", async () => {
    const head = '--x\r\nContent-Disposition: form-data; name="display_name"\r\n\r\nNew\r\n--x\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n';
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", admin.auth)
      .set("Content-Type", "multipart/form-data; boundary=x")
      .send(Buffer.concat([Buffer.from(head), pngBytes().subarray(0, 20)]));
    expect([res.status, res.body.error]).toEqual([400, "Malformed multipart body"]);
    const [row] = await t.services.db.select().from(accounts).where(eq(accounts.id, admin.account.id));
    expect(row.displayName).toBe(admin.account.displayName);
  });
});
