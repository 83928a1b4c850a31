// An observation as a remote server receives it: a Create(Note) with its
// readable text, its Place in `location` and the Parvis extension (the
// `observation` JSON literal under the instance's /ns/parvis# namespace); a
// state change as an Update(Note) carrying the new state. Read back with the
// parser incoming activities use.
import { describe, expect, it } from "vitest";
import type { Account } from "../../../server/domain/accounts";
import { confirmObservation, createObservation, markObservationGone } from "../../../server/domain/observations";
import { observationOf } from "../../../federation/from-activitypub/observation";
import { createResident, type Resident } from "../../helpers/factories";
import type { FakeRemote } from "../support/fake-remote";
import type { FederatedInstance } from "../support/instance";
import { sentActivities, useOutboxScene } from "../support/outbox-harness";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;
let bob: Account;
useOutboxScene((scene) => ({ t, host, alice, bob } = scene));
const ctx = () => t.services.domain;

async function sent(type: string, action: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const [activity] = await sentActivities({ t, host }, type, action, { exactly: true });
  return activity;
}

describe("an observation's Note", () => {
  it("Create(Note): readable text, a Place and the extension, parsed back the same", async () => {
    void bob;
    const create = await sent("Create", () =>
      createObservation(ctx(), alice.account.id, { kind: "camera", latitude: 45.764, longitude: 4.8357, tags: { "camera:type": "dome", operator: "Métropole" } }),
    );
    const note = create.object as Record<string, unknown>;
    expect(note.type).toBe("Note");
    expect(note.content).toContain("Caméra de vidéosurveillance (dôme), opérateur : Métropole");
    expect(note.location).toMatchObject({ type: "Place", latitude: 45.764, longitude: 4.8357 });
    const key = `${t.services.config.origin}/ns/parvis#observation`;
    // compacted against Fedify's context, where "type" is "@type"
    expect(note[key]).toMatchObject({ type: "@json", "@value": { kind: "camera", state: "present", confirmationsCount: 0, tags: { "camera:type": "dome", operator: "Métropole", "surveillance:type": "camera" } } });
    expect(observationOf(note)).toMatchObject({ kind: "camera", state: "present", latitude: 45.764, longitude: 4.8357, tags: { "camera:type": "dome" } });
  });

  it("Update(Note) when it is confirmed and when it is gone", async () => {
    const other = await createResident(t, "voisine");
    let id = "";
    await sent("Create", async () => {
      id = await createObservation(ctx(), alice.account.id, { kind: "issue", latitude: 45.7, longitude: 4.8, tags: { issue: "dumping" } });
    });
    const confirmed = await sent("Update", () => confirmObservation(ctx(), other.account.id, id));
    expect(observationOf(confirmed.object as Record<string, unknown>)).toMatchObject({ state: "present", confirmationsCount: 1 });
    const gone = await sent("Update", () => markObservationGone(ctx(), alice.account.id, id));
    expect(observationOf(gone.object as Record<string, unknown>)).toMatchObject({ kind: "issue", state: "gone" });
  });
});
