// Observations in the domain: creation as a status with its place, tags checked
// per kind, the instance's own account, corrections, confirmations, "gone".
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, observationEvents, observations, statusEdits, statuses, users } from "../../../server/db/schema";
import { getInstanceAccount, INSTANCE_ACCOUNT_USERNAME, registerAccount } from "../../../server/domain/accounts";
import {
  confirmObservation,
  correctObservation,
  createObservation,
  describeObservation,
  findObservationByOsmId,
  knownTags,
  markObservationGone,
  observationHistory,
  rejectObservationGone,
  validateTags,
} from "../../../server/domain/observations";
import { Conflict, Forbidden, Invalid } from "../../../server/errors";
import { createResident } from "../../helpers/factories";
import { useTestInstance, type TestInstance } from "../../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

const camera = { kind: "camera", latitude: 48.8566, longitude: 2.3522, tags: { "surveillance:type": "camera", "camera:type": "dome", "operator:type": "commune" } };

describe("createObservation", () => {
  it("stores a status with its place, the observation row and a created line, then publishes status.created", async () => {
    const author = await createResident(t, "autrice");
    const seen: string[] = [];
    t.services.events.on("status.created", (e) => {
      seen.push(e.statusId);
    });
    const id = await createObservation(t.services.domain, author.account.id, camera);
    const [status] = await t.services.db.select().from(statuses).where(eq(statuses.id, id));
    expect(status).toMatchObject({ accountId: author.account.id, placeLatitude: 48.8566, placeLongitude: 2.3522, visibility: "public", local: true });
    expect(status.text).toBe("Caméra de vidéosurveillance (dôme), opérateur : commune");
    const [row] = await t.services.db.select().from(observations).where(eq(observations.statusId, id));
    expect(row).toMatchObject({ kind: "camera", state: "present", confirmationsCount: 0, tags: camera.tags, osmId: null });
    const events = await t.services.db.select().from(observationEvents).where(eq(observationEvents.observationId, id));
    expect(events.map((e) => [e.action, e.accountId])).toEqual([["created", author.account.id]]);
    expect(seen).toContain(id);
  });

  it("keeps the resident's own text, in English when the post is", async () => {
    const author = await createResident(t, "autrice");
    const id = await createObservation(t.services.domain, author.account.id, { ...camera, text: "Nouvelle caméra devant l'école" });
    const [status] = await t.services.db.select().from(statuses).where(eq(statuses.id, id));
    expect(status.text).toBe("Nouvelle caméra devant l'école");
    expect(describeObservation("camera", { "surveillance:type": "ALPR", operator: "Préfecture" }, "en")).toBe("Licence plate reader (ALPR), operator: Préfecture");
    expect(describeObservation("issue", { issue: "dumping" })).toBe("Dépôt sauvage");
  });

  it("refuses unknown keys, values out of the vocabulary, bad points, and stores nothing", async () => {
    const author = await createResident(t, "autrice");
    const bad = [
      { ...camera, tags: { "camera:type": "hidden" } },
      { ...camera, tags: { "shop": "bakery" } },
      { ...camera, tags: { "camera:direction": "400" } },
      { ...camera, tags: { check_date: "2024-02-30" } },
      { ...camera, tags: { operator: 12 as unknown as string } },
      { ...camera, tags: ["camera"] as unknown as Record<string, string> },
      { ...camera, kind: "tree" },
      { ...camera, latitude: 91 },
      { ...camera, longitude: Number.NaN },
      { kind: "issue", latitude: 1, longitude: 1, tags: { description: "no issue key" } },
      { ...camera, osmId: "node/abc" },
      { ...camera, seenAt: new Date(Date.now() + 86_400_000) },
    ];
    for (const input of bad) {
      await expect(createObservation(t.services.domain, author.account.id, input)).rejects.toBeInstanceOf(Invalid);
    }
    expect(await t.services.db.select().from(statuses)).toEqual([]);
    expect(await t.services.db.select().from(observations)).toEqual([]);
  });

  it("validates the OSM vocabulary per kind, and keeps only known tags of an import", () => {
    expect(validateTags("camera", { "camera:direction": " 270 " })).toEqual({ "camera:direction": "270", "surveillance:type": "camera" });
    expect(() => validateTags("issue", { issue: "lighting", "camera:type": "dome" })).toThrow(Invalid);
    expect(knownTags("camera", { man_made: "surveillance", "camera:type": "dome", highway: "street_lamp", "camera:mount": "spaceship" })).toEqual({
      man_made: "surveillance",
      "camera:type": "dome",
      "surveillance:type": "camera",
    });
  });

  it("never takes a resident's account registered under the reserved name for the instance's", async () => {
    // registered before the name was reserved: written as registration wrote it then
    const { hashPassword } = await import("../../../server/domain/accounts");
    const { newId } = await import("../../../server/ids");
    const id = newId();
    await t.services.db.insert(accounts).values({ id, username: "observatoire", domain: null, uri: `${t.services.config.origin}/users/observatoire` });
    await t.services.db.insert(users).values({ id: newId(), accountId: id, passwordHash: await hashPassword("correct horse battery") });
    await expect(getInstanceAccount(t.services.domain)).rejects.toBeInstanceOf(Conflict);
  });

  it("imports as the instance's own account, by OSM id, once; the first resident is still the admin", async () => {
    const instance = await getInstanceAccount(t.services.domain);
    expect(instance).toMatchObject({ username: INSTANCE_ACCOUNT_USERNAME, domain: null, bot: true });
    expect((await getInstanceAccount(t.services.domain)).id).toBe(instance.id);
    const id = await createObservation(t.services.domain, instance.id, { ...camera, osmId: "node/42", seenAt: new Date("2024-05-01T00:00:00Z") });
    expect((await findObservationByOsmId(t.services.domain, "node/42"))?.statusId).toBe(id);
    await expect(createObservation(t.services.domain, instance.id, { ...camera, osmId: "node/42" })).rejects.toBeInstanceOf(Conflict);
    expect(await t.services.db.select().from(observations)).toHaveLength(1);
    const first = await registerAccount(t.services.domain, { username: "premiere", password: "correct horse battery" });
    expect(first.user.role).toBe("admin");
    const [row] = await t.services.db.select().from(users).where(eq(users.accountId, instance.id));
    expect(row.role).toBe("resident");
    await expect(registerAccount(t.services.domain, { username: "Observatoire", password: "correct horse battery", force: true })).rejects.toBeInstanceOf(Invalid);
    expect(await t.services.db.select().from(accounts).where(eq(accounts.username, "Observatoire"))).toEqual([]);
  });
});

describe("after creation", () => {
  it("the author corrects it: a status edit, a corrected line with { field: [before, after] }, the generated text follows", async () => {
    const author = await createResident(t, "autrice");
    const other = await createResident(t, "voisin");
    const id = await createObservation(t.services.domain, author.account.id, camera);
    await expect(correctObservation(t.services.domain, other.account.id, id, { tags: {} })).rejects.toBeInstanceOf(Forbidden);
    await correctObservation(t.services.domain, author.account.id, id, { tags: { "camera:type": "fixed", "operator:type": "commune" }, latitude: 48.86 });
    const [row] = await t.services.db.select().from(observations).where(eq(observations.statusId, id));
    expect(row.tags).toEqual({ "camera:type": "fixed", "operator:type": "commune", "surveillance:type": "camera" });
    expect(row.latitude).toBe(48.86);
    const [status] = await t.services.db.select().from(statuses).where(eq(statuses.id, id));
    expect(status.placeLatitude).toBe(48.86);
    expect(status.text).toBe("Caméra de vidéosurveillance (fixe), opérateur : commune");
    expect(status.editedAt).not.toBeNull();
    expect(await t.services.db.select().from(statusEdits).where(eq(statusEdits.statusId, id))).toHaveLength(2);
    const history = await observationHistory(t.services.domain, id, null);
    expect(history.map((h) => h.event.action)).toEqual(["created", "corrected"]);
    expect(history[1].event.changes).toEqual({
      "camera:type": ["dome", "fixed"],
      latitude: [48.8566, 48.86],
      text: ["Caméra de vidéosurveillance (dôme), opérateur : commune", "Caméra de vidéosurveillance (fixe), opérateur : commune"],
    });
  });

  it("a resident confirms it once a day, never in the future", async () => {
    const author = await createResident(t, "autrice");
    const other = await createResident(t, "voisin");
    const id = await createObservation(t.services.domain, author.account.id, camera);
    await confirmObservation(t.services.domain, other.account.id, id);
    await expect(confirmObservation(t.services.domain, other.account.id, id)).rejects.toBeInstanceOf(Invalid);
    await expect(confirmObservation(t.services.domain, other.account.id, id, new Date(Date.now() + 86_400_000))).rejects.toBeInstanceOf(Invalid);
    const yesterday = new Date(Date.now() - 86_400_000);
    await confirmObservation(t.services.domain, other.account.id, id, yesterday);
    const [row] = await t.services.db.select().from(observations).where(eq(observations.statusId, id));
    expect(row.confirmationsCount).toBe(2);
    const confirmed = (await observationHistory(t.services.domain, id, null)).filter((h) => h.event.action === "confirmed");
    expect(confirmed).toHaveLength(2);
  });

  it("gone: anyone proposes, the author decides; reject returns it to present; its history keeps each step", async () => {
    const author = await createResident(t, "autrice");
    const other = await createResident(t, "voisin");
    const third = await createResident(t, "tiers");
    const id = await createObservation(t.services.domain, author.account.id, camera);
    await markObservationGone(t.services.domain, other.account.id, id, "Démontée");
    const state = async () => (await t.services.db.select().from(observations).where(eq(observations.statusId, id)))[0].state;
    expect(await state()).toBe("gone_proposed");
    await expect(markObservationGone(t.services.domain, third.account.id, id)).rejects.toBeInstanceOf(Invalid);
    await expect(rejectObservationGone(t.services.domain, third.account.id, id)).rejects.toBeInstanceOf(Forbidden);
    await rejectObservationGone(t.services.domain, author.account.id, id);
    expect(await state()).toBe("present");
    await markObservationGone(t.services.domain, other.account.id, id);
    await markObservationGone(t.services.domain, author.account.id, id);
    expect(await state()).toBe("gone");
    await expect(confirmObservation(t.services.domain, other.account.id, id)).rejects.toBeInstanceOf(Invalid);
    const history = await observationHistory(t.services.domain, id, null);
    expect(history.map((h) => h.event.action)).toEqual(["created", "gone_proposed", "gone_rejected", "gone_proposed", "gone_confirmed"]);
    expect(history[1].event.changes).toEqual({ state: ["present", "gone_proposed"], reason: "Démontée" });
  });
});
