// Observations from another Parvis, as the inbox hands them to the domain:
// hostile or odd values left out, older Updates ignored, state changes
// recorded without naming anyone.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { observationEvents, observations } from "../../../server/db/schema";
import { upsertRemoteAccount } from "../../../server/domain/accounts";
import { recordRemoteObservation, type RemoteObservationData } from "../../../server/domain/observations";
import { storeRemoteStatus } from "../../../server/domain/statuses";
import { createResident } from "../../helpers/factories";
import { createObservation } from "../../../server/domain/observations";
import { useTestInstance, type TestInstance } from "../../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

async function remotePost(n = 1) {
  const author = await upsertRemoteAccount(t.services.domain, {
    uri: "https://voisine.example/users/irene",
    username: "irene",
    domain: "voisine.example",
    inboxUrl: "https://voisine.example/users/irene/inbox",
  });
  return storeRemoteStatus(t.services.domain, { uri: `https://voisine.example/notes/${n}`, authorId: author.id, content: "<p>Caméra</p>", visibility: "public" });
}

const base: RemoteObservationData = {
  kind: "camera",
  tags: { "camera:type": "dome" },
  state: "present",
  lastSeenAt: new Date("2026-11-01T00:00:00Z"),
  confirmationsCount: 2,
  updatedAt: new Date("2026-11-01T00:00:00Z"),
  latitude: 45.7,
  longitude: 4.8,
};

describe("recordRemoteObservation", () => {
  it("creates the row with known tags only, then applies newer Updates and ignores older ones", async () => {
    const status = await remotePost();
    const hostile = { ...base, tags: { "camera:type": "dome", "'; drop table observations; --": "x", operator: { nested: 1 }, "camera:mount": "spaceship" } };
    expect(await recordRemoteObservation(t.services.domain, status.id, hostile)).toBe(true);
    const [row] = await t.services.db.select().from(observations).where(eq(observations.statusId, status.id));
    expect(row).toMatchObject({ kind: "camera", state: "present", confirmationsCount: 2, tags: { "camera:type": "dome", "surveillance:type": "camera" } });

    const newer = { ...base, tags: { "camera:type": "fixed" }, state: "gone", updatedAt: new Date("2026-11-05T00:00:00Z") };
    expect(await recordRemoteObservation(t.services.domain, status.id, newer)).toBe(true);
    const older = { ...base, state: "present", updatedAt: new Date("2026-11-03T00:00:00Z") };
    expect(await recordRemoteObservation(t.services.domain, status.id, older)).toBe(false);
    const [after] = await t.services.db.select().from(observations).where(eq(observations.statusId, status.id));
    expect(after).toMatchObject({ state: "gone", tags: { "camera:type": "fixed", "surveillance:type": "camera" } });
    const events = await t.services.db.select().from(observationEvents).where(eq(observationEvents.observationId, status.id));
    expect(events.map((e) => [e.action, e.accountId === null])).toEqual([
      ["created", false],
      ["corrected", false],
      ["gone_confirmed", true],
    ]);
  });

  it("ignores an unknown kind, a bad point, counts out of range, and never touches a local post", async () => {
    const status = await remotePost(2);
    expect(await recordRemoteObservation(t.services.domain, status.id, { ...base, kind: "tree" })).toBe(false);
    expect(await recordRemoteObservation(t.services.domain, status.id, { ...base, latitude: 300 })).toBe(false);
    expect(await recordRemoteObservation(t.services.domain, status.id, { ...base, kind: "issue", tags: {} })).toBe(false);
    expect(await t.services.db.select().from(observations)).toEqual([]);
    expect(await recordRemoteObservation(t.services.domain, status.id, { ...base, confirmationsCount: -5, lastSeenAt: new Date("2999-01-01") })).toBe(true);
    const [row] = await t.services.db.select().from(observations).where(eq(observations.statusId, status.id));
    expect(row.confirmationsCount).toBe(0);
    expect(row.lastSeenAt.getTime()).toBeLessThanOrEqual(Date.now());
    const alice = await createResident(t, "alice");
    const mine = await createObservation(t.services.domain, alice.account.id, { kind: "camera", latitude: 1, longitude: 1 });
    expect(await recordRemoteObservation(t.services.domain, mine, { ...base, state: "gone" })).toBe(false);
    expect((await t.services.db.select().from(observations).where(eq(observations.statusId, mine)))[0].state).toBe("present");
  });
});
