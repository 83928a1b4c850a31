// The `location` of posts from other servers: Mobilizon's real Event (a Place
// with coordinates and a schema.org address), and the real Mastodon Note given
// a `location` as Mastodon forks send one, as an array, or as junk (ignored
// silently: the post is kept, without a place). Create and Update both read it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findStatusByUri } from "../../../server/domain/statuses";
import { createResident, type Resident } from "../../helpers/factories";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { followRemote, loadFixture, startFakeRemote, type FakeRemote, type Json } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";

let t: FederatedInstance;
let remote: FakeRemote;
let alice: Resident;

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote();
});
afterAll(async () => {
  await remote.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  alice = await createResident(t, "alice");
});

async function deliver(activity: Json): Promise<void> {
  const res = await remote.post(`${t.config.origin}/inbox`, activity);
  expect(res.status).toBe(202);
  await inboxIdle(t);
}

async function ensureActor(path: string, type = "Person"): Promise<string> {
  const id = `${remote.origin}${path}`;
  if (!remote.actors.has(id)) await remote.addActor(path, { type });
  return id;
}

async function placeOf(uri: string) {
  const row = await waitFor(() => findStatusByUri(t.services.domain, uri));
  const res = await t.http.get(`/api/v1/statuses/${row.id}`).set("Authorization", alice.auth);
  expect(res.status).toBe(200);
  return res.body.parvis_place;
}

function createOf(actor: string, object: Json): Json {
  return {
    "@context": object["@context"] ?? "https://www.w3.org/ns/activitystreams",
    id: `${object.id}#create`,
    type: "Create",
    actor,
    to: object.to,
    cc: object.cc,
    object: { ...object, "@context": undefined },
  };
}

describe("a Mobilizon Event's location", () => {
  async function event(edit: (location: Json) => Json = (l) => l) {
    const group = await ensureActor("/@devon_caledonian_society", "Group");
    await ensureActor("/@emorrp1");
    await followRemote(t, alice, group);
    const fixture = loadFixture("mobilizon-event.json", { "https://rendezvous.nomagic.uk": remote.origin });
    await deliver(createOf(group, { ...fixture, location: edit(fixture.location as Json) }));
    return placeOf(String(fixture.id));
  }

  it("is the event's place: its coordinates and name", async () => {
    expect(await event()).toEqual({ latitude: 50.66881615, longitude: -3.537739788359949, name: "The Kenn Centre" });
  });

  it("without a name, is named by its postal address", async () => {
    expect(await event(({ name: _n, ...l }) => l)).toEqual({
      latitude: 50.66881615,
      longitude: -3.537739788359949,
      name: "Devon Expressway, EX6 7TW Teignbridge, United Kingdom",
    });
  });

  it("with an address but no coordinates is no place", async () => {
    expect(await event(({ latitude: _a, longitude: _b, ...l }) => l)).toBeNull();
  });
});

describe("a Mastodon fork's Note with a location", () => {
  const NOTE_URI = () => `${remote.origin}/users/felix/statuses/107224289116410645`;

  async function note(location: unknown, extra: Json = {}): Promise<{ activity: Json; place: unknown }> {
    const felix = await ensureActor("/users/felix");
    await ensureActor("/users/retiolus");
    await followRemote(t, alice, felix);
    const activity = loadFixture("mastodon-create-note.json", { "https://mastodon.madrid": remote.origin, "https://mamot.fr": remote.origin });
    const object = { ...(activity.object as Json), location, ...extra };
    const delivered = { ...activity, object };
    await deliver(delivered);
    return { activity: delivered, place: await placeOf(NOTE_URI()) };
  }

  it("an ActivityStreams Place becomes the post's place", async () => {
    const { place } = await note({ type: "Place", name: "Puerta del Sol", latitude: 40.4169, longitude: -3.7035 });
    expect(place).toEqual({ latitude: 40.4169, longitude: -3.7035, name: "Puerta del Sol" });
  });

  it("in an array, the first usable place is taken", async () => {
    const { place } = await note([
      "https://places.example/1",
      { type: "Place", name: "Nowhere", latitude: 123, longitude: 0 },
      { type: "Place", name: "Madrid", latitude: "40.4168", longitude: "-3.7038" },
    ]);
    expect(place).toEqual({ latitude: 40.4168, longitude: -3.7038, name: "Madrid" });
  });

  it("markup and control characters in its name are removed", async () => {
    const first = await note({ type: "Place", name: "<b>Sol</b>\u0007 <script>x</script>", latitude: 40, longitude: -3 });
    expect(first.place).toEqual({ latitude: 40, longitude: -3, name: "Sol x" });
  });

  it("a name longer than 200 characters is cut to 200", async () => {
    const { place } = await note({ type: "Place", name: "é".repeat(500), latitude: 40, longitude: -3 });
    expect((place as { name: string }).name).toBe("é".repeat(200));
  });

  const junk: [string, unknown][] = [
    ["a bare string", "Madrid"],
    ["a link only", { type: "Link", href: "https://places.example/1" }],
    ["a latitude out of range", { type: "Place", latitude: 91, longitude: 0 }],
    ["a longitude out of range", { type: "Place", latitude: 0, longitude: -180.01 }],
    ["coordinates that are not numbers", { type: "Place", latitude: "north", longitude: { x: 1 } }],
    ["a missing longitude", { type: "Place", latitude: 40 }],
    ["another type than Place", { type: "Person", latitude: 40, longitude: -3 }],
    ["null", null],
    ["a number", 42],
  ];
  for (const [label, location] of junk) {
    it(`${label} is ignored: the post is kept without a place`, async () => {
      const { place } = await note(location);
      expect(place).toBeNull();
    });
  }

  it("an Update that moves the place is an edit; one without a location removes it", async () => {
    const { activity } = await note({ type: "Place", name: "Sol", latitude: 40.4169, longitude: -3.7035 });
    const object = activity.object as Json;
    const update = (n: number, changes: Json): Json => ({
      "@context": activity["@context"],
      id: `${object.id}#updates/${n}`,
      type: "Update",
      actor: activity.actor,
      to: object.to,
      cc: object.cc,
      object: { ...object, updated: `2021-11-05T12:0${n}:00Z`, ...changes },
    });
    await deliver(update(1, { location: { type: "Place", name: "Retiro", latitude: 40.4153, longitude: -3.6845 } }));
    expect(await placeOf(NOTE_URI())).toEqual({ latitude: 40.4153, longitude: -3.6845, name: "Retiro" });
    const row = await findStatusByUri(t.services.domain, NOTE_URI());
    expect(row?.editedAt).not.toBeNull();

    await deliver(update(2, { location: undefined }));
    expect(await placeOf(NOTE_URI())).toBeNull();
  });

  it("an Update with junk in place of the location removes nothing else and stores no bad place", async () => {
    const { activity } = await note({ type: "Place", name: "Sol", latitude: 40.4169, longitude: -3.7035 });
    const object = activity.object as Json;
    await deliver({
      "@context": activity["@context"],
      id: `${object.id}#updates/9`,
      type: "Update",
      actor: activity.actor,
      to: object.to,
      cc: object.cc,
      object: { ...object, updated: "2021-11-05T12:09:00Z", location: { type: "Place", latitude: 1e308 * 10, longitude: 0 } },
    });
    const row = await findStatusByUri(t.services.domain, NOTE_URI());
    expect([row?.placeLatitude, row?.placeLongitude, row?.content.includes("thinkpad")]).toEqual([null, null, true]);
  });
});
