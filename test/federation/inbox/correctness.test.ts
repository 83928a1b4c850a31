// Federation correctness found against another server (issue 8, items 3–6 and
// 8): Accepts matched by state rather than dropped by id, Updates that change
// nothing, ids that belong to their origin, repeated Follows, and the trace
// every incoming activity leaves (log line, counters).
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { favourites, follows, receivedActivities, statusEdits } from "../../../server/db/schema";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow, unfollow } from "../../../server/domain/follows";
import { findStatusByUri } from "../../../server/domain/statuses";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { drainOutbox, inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { followRemote, loadFixture, remoteAccount, startFakeRemote, type FakeActor, type FakeRemote, type Json } from "../support/fake-remote";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;

let t: FederatedInstance;
let remote: FakeRemote;
let other: FakeRemote;
let bob: FakeActor;
let mallory: FakeActor;
let group: FakeActor;
let alice: Resident;
let aliceUri: string;
let n = 0;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  t = await startFederatedInstance({ logger });
  // deliveries to these servers are recorded (remote.posts); signatures are checked elsewhere
  remote = await startFakeRemote({ deliveries: true, verify: false });
  other = await startFakeRemote({ deliveries: true, verify: false });
  bob = await remote.addActor("/users/bob");
  group = await remote.addActor("/c/main", { type: "Group" });
  mallory = await other.addActor("/users/mallory");
}, 180_000);
afterAll(async () => {
  await remote?.close();
  await other?.close();
  await t?.stop();
});
beforeEach(async () => {
  await drainOutbox(t);
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  remote.posts.length = 0;
  other.posts.length = 0;
  logLines.length = 0;
  alice = await createResident(t, "alice");
  aliceUri = `${t.config.origin}/users/alice`;
});

async function deliver(from: FakeRemote, activity: Json): Promise<void> {
  const res = await from.post(`${t.config.origin}/inbox`, activity);
  expect(res.status).toBe(202);
  await inboxIdle(t);
}

const db = () => t.services.db;

describe("an Accept whose id the follower's server reuses", () => {
  const accept = () =>
    loadFixture("lemmy-accept-follow.json", {
      "http://enterprise.lemmy.ml": remote.origin,
      "http://ds9.lemmy.ml/u/lemmy_alpha": aliceUri,
      "http://ds9.lemmy.ml": t.config.origin,
    });

  async function relationship(accountId: string) {
    const res = await t.http.get(`/api/v1/accounts/relationships?id[]=${accountId}`).set("Authorization", alice.auth);
    return { following: res.body[0].following, requested: res.body[0].requested };
  }

  it("still accepts a new follow request after an unfollow (the same Accept id twice)", async () => {
    const account = await remoteAccount(t, group.id);
    await follow(t.services.domain, alice.account, account);
    const sameAccept = accept();
    await deliver(remote, sameAccept);
    await unfollow(t.services.domain, alice.account.id, account.id);
    await follow(t.services.domain, alice.account, account);
    await deliver(remote, sameAccept);
    expect(await relationship(account.id)).toEqual({ following: true, requested: false });
  });

  it("is ignored when the follow is already accepted, and logged so", async () => {
    const account = await remoteAccount(t, group.id);
    await follow(t.services.domain, alice.account, account);
    await deliver(remote, accept());
    await deliver(remote, accept());
    const outcomes = logLines.filter((l) => l.msg === "inbox activity" && l.type === "Accept").map((l) => [l.outcome, l.reason]);
    expect([await relationship(account.id), outcomes]).toEqual([
      { following: true, requested: false },
      [
        ["stored", undefined],
        ["ignored", "already following"],
      ],
    ]);
  });
});

describe("an Update that changes nothing", () => {
  const note = () => ({
    id: `${bob.id}/statuses/edit${n}`,
    type: "Note",
    attributedTo: bob.id,
    content: "<p>Le marché est déplacé #marché</p>",
    published: "2026-01-01T10:00:00Z",
    tag: [{ type: "Hashtag", name: "#marché", href: `${remote.origin}/tags/march%C3%A9` }],
    to: [PUBLIC],
  });

  async function storedNote(): Promise<Json> {
    await followRemote(t, alice, bob.id);
    n++;
    const object = note();
    await deliver(remote, { "@context": AS, id: `${object.id}/activity`, type: "Create", actor: bob.id, to: [PUBLIC], object });
    expect(await findStatusByUri(t.services.domain, object.id)).toBeTruthy();
    return object;
  }

  const update = (object: Json) => ({ "@context": AS, id: `${object.id}#updates/${++n}`, type: "Update", actor: bob.id, to: [PUBLIC], object });

  async function editsOf(uri: string) {
    const status = (await findStatusByUri(t.services.domain, uri))!;
    const history = await db().select().from(statusEdits).where(eq(statusEdits.statusId, status.id));
    return { content: status.content, editedAt: status.editedAt?.toISOString() ?? null, history: history.length };
  }

  function countEvents(): { count: () => number; stop: () => void } {
    let count = 0;
    const stop = t.services.events.on("status.updated", () => void count++);
    return { count: () => count, stop };
  }

  it("leaves edited_at empty, adds no history and raises no status update", async () => {
    const object = await storedNote();
    const events = countEvents();
    await deliver(remote, update(object));
    events.stop();
    expect([await editsOf(String(object.id)), events.count()]).toEqual([
      { content: "<p>Le marché est déplacé #marché</p>", editedAt: null, history: 0 },
      0,
    ]);
  });

  it("that changes the text is an edit, dated by the object's updated", async () => {
    const object = await storedNote();
    const events = countEvents();
    await deliver(remote, update({ ...object, content: "<p>Le marché revient place de l'église</p>", updated: "2026-01-01T11:00:00Z" }));
    events.stop();
    expect([await editsOf(String(object.id)), events.count()]).toEqual([
      { content: "<p>Le marché revient place de l'église</p>", editedAt: "2026-01-01T11:00:00.000Z", history: 2 },
      1,
    ]);
  });

  it("that only adds a content warning is an edit", async () => {
    const object = await storedNote();
    await deliver(remote, update({ ...object, summary: "Travaux", updated: "2026-01-01T11:00:00Z" }));
    expect((await editsOf(String(object.id))).history).toBe(2);
  });

  it("older than the stored version is ignored", async () => {
    const object = await storedNote();
    await deliver(remote, update({ ...object, content: "<p>Version de 11 h</p>", updated: "2026-01-01T11:00:00Z" }));
    await deliver(remote, update({ ...object, content: "<p>Version de 10 h 30, arrivée en retard</p>", updated: "2026-01-01T10:30:00Z" }));
    expect(await editsOf(String(object.id))).toEqual({ content: "<p>Version de 11 h</p>", editedAt: "2026-01-01T11:00:00.000Z", history: 2 });
  });
});

describe("activity ids belong to their sender's origin", () => {
  it("an activity whose id is on another origin than its actor is refused, and nothing is marked", async () => {
    const post = await createPost(t, alice, "À aimer");
    await deliver(other, { "@context": AS, id: `${remote.origin}/users/bob/likes/${++n}`, type: "Like", actor: mallory.id, object: post.uri });
    const marked = await db().select().from(receivedActivities);
    expect([(await db().select().from(favourites)).length, marked.length]).toEqual([0, 0]);
  });

  it("another server cannot use up the id of someone's future Delete", async () => {
    await followRemote(t, alice, bob.id);
    const note = { id: `${bob.id}/statuses/doomed${++n}`, type: "Note", attributedTo: bob.id, content: "<p>bientôt supprimé</p>", to: [PUBLIC] };
    await deliver(remote, { "@context": AS, id: `${note.id}/activity`, type: "Create", actor: bob.id, to: [PUBLIC], object: note });
    const deleteId = `${note.id}#delete`;
    // mallory, on another server, sends something harmless under that id first
    await deliver(other, { "@context": AS, id: deleteId, type: "Like", actor: mallory.id, object: note.id });
    await deliver(remote, { "@context": AS, id: deleteId, type: "Delete", actor: bob.id, to: [PUBLIC], object: { id: note.id, type: "Tombstone" } });
    expect(await findStatusByUri(t.services.domain, note.id)).toBeUndefined();
  });

  it("the same id that is no web address, from two servers, is processed for each", async () => {
    const post = await createPost(t, alice, "Deux serveurs, un identifiant");
    const id = `urn:uuid:8f0b6a0e-1c2d-4e5f-8a9b-${String(++n).padStart(12, "0")}`;
    await deliver(remote, { "@context": AS, id, type: "Like", actor: bob.id, object: post.uri });
    await deliver(other, { "@context": AS, id, type: "Like", actor: mallory.id, object: post.uri });
    const marks = await db().select().from(receivedActivities).where(eq(receivedActivities.uri, id));
    const outcomes = logLines.filter((l) => l.msg === "inbox activity" && l.activity === id).map((l) => [l.actor, l.outcome]);
    expect([marks.map((m) => m.origin).sort(), outcomes]).toEqual([
      [other.origin, remote.origin].sort(),
      [
        [bob.id, "stored"],
        [mallory.id, "stored"],
      ],
    ]);
  });
});

describe("a repeated Follow", () => {
  const accepts = () => remote.received("Accept");

  it("sixty Follows for one relationship are answered with one Accept", async () => {
    const followsOf = Array.from({ length: 60 }, (_, i) => ({ "@context": AS, id: `${bob.id}#follows/spam${++n}-${i}`, type: "Follow", actor: bob.id, object: aliceUri }));
    for (let i = 0; i < followsOf.length; i += 10) {
      const answers = await Promise.all(followsOf.slice(i, i + 10).map((f) => remote.post(`${t.config.origin}/inbox`, f)));
      expect(answers.map((a) => a.status)).toEqual(Array(answers.length).fill(202));
    }
    await inboxIdle(t, 60_000);
    await drainOutbox(t);
    const rows = await db().select().from(follows);
    expect([rows.length, accepts().length]).toEqual([1, 1]);
  }, 120_000);

  it("is answered again once the window has passed", async () => {
    const followOnce = () => ({ "@context": AS, id: `${bob.id}#follows/again${++n}`, type: "Follow", actor: bob.id, object: aliceUri });
    await deliver(remote, followOnce());
    await drainOutbox(t);
    await deliver(remote, followOnce());
    await drainOutbox(t);
    const before = accepts().length;
    await db().update(follows).set({ acceptSentAt: sql`now() - interval '16 minutes'` });
    await deliver(remote, followOnce());
    await drainOutbox(t);
    expect([before, accepts().length]).toEqual([1, 2]);
  });
});

describe("the trace of incoming activities", () => {
  function metricValue(text: string, name: string, labels: string): number {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
  }

  it("is one structured log line per activity, with its outcome and why", async () => {
    const post = await createPost(t, alice, "Tracée");
    const like = { "@context": AS, id: `${bob.id}#likes/${++n}`, type: "Like", actor: bob.id, object: post.uri };
    await deliver(remote, like);
    await deliver(remote, like);
    await deliver(remote, { ...like, id: `${bob.id}#likes/${++n}`, object: `${t.config.origin}/users/alice/statuses/1` });
    await deliver(other, { ...like, id: `${bob.id}#likes/${++n}`, actor: mallory.id });
    const lines = logLines.filter((l) => l.msg === "inbox activity").map((l) => [l.type, l.actor, l.outcome, l.reason ?? null, typeof l.activity]);
    expect(lines).toEqual([
      ["Like", bob.id, "stored", null, "string"],
      ["Like", bob.id, "duplicate", "id already processed for this origin", "string"],
      ["Like", bob.id, "ignored", "nothing here it applies to", "string"],
      ["Like", mallory.id, "refused", "activity id is not on the sender's origin", "string"],
    ]);
  });

  it("includes activities refused for their signature, answered 401", async () => {
    const post = await createPost(t, alice, "Signée ?");
    const like = { "@context": AS, id: `${bob.id}#likes/${++n}`, type: "Like", actor: bob.id, object: post.uri };
    const res = await remote.post(`${t.config.origin}/inbox`, like, { tamper: (body) => body.replace('"type":"Like"', '"type":"Like","summary":"altered"') });
    const line = logLines.find((l) => l.msg === "inbox activity" && l.activity === like.id);
    expect([res.status, line?.outcome, String(line?.reason).startsWith("signature not verified")]).toEqual([401, "refused", true]);
  });

  it("is counted by type and outcome on /metrics", async () => {
    const read = async () => {
      const res = await t.http.get("/metrics");
      expect([res.status, res.headers["content-type"]]).toEqual([200, "text/plain; version=0.0.4; charset=utf-8"]);
      return res.text;
    };
    const before = await read();
    const post = await createPost(t, alice, "Comptée");
    const like = { "@context": AS, id: `${bob.id}#likes/${++n}`, type: "Like", actor: bob.id, object: post.uri };
    await deliver(remote, like);
    await deliver(remote, like);
    const after = await read();
    const delta = (labels: string) =>
      metricValue(after, "parvis_inbox_activities_total", labels) - metricValue(before, "parvis_inbox_activities_total", labels);
    expect([
      delta('type="Like",outcome="stored"'),
      delta('type="Like",outcome="duplicate"'),
      metricValue(after, "parvis_inbox_activity_duration_seconds_count", 'type="Like",outcome="stored"') > 0,
      after.includes('parvis_queue_messages{queue="outbox",state="ready"}'),
    ]).toEqual([1, 1, true, true]);
  });

  it("and what they cause is counted too: the inbox POSTs by route, the Accept delivered", async () => {
    const read = async () => (await t.http.get("/metrics")).text;
    const before = await read();
    await deliver(remote, { "@context": AS, id: `${bob.id}#follows/counted${++n}`, type: "Follow", actor: bob.id, object: aliceUri });
    await drainOutbox(t);
    const after = await read();
    const delta = (name: string, labels: string) => metricValue(after, name, labels) - metricValue(before, name, labels);
    expect([
      delta("parvis_http_requests_total", 'method="POST",route="/inbox",status_class="2xx"'),
      delta("parvis_deliveries_total", 'outcome="delivered"'),
      remote.received("Accept").length,
    ]).toEqual([1, 1, 1]);
  });
});
