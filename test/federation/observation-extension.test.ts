// The Parvis observation term of an incoming Note, read from its JSON in
// every form it may take (federation/from-activitypub/observation.ts).
import { describe, expect, it } from "vitest";
import { observationOf } from "../../federation/from-activitypub/observation";

describe("the extension as it arrives", () => {
  const literal = { kind: "camera", tags: { "camera:type": "dome" }, state: "gone", lastSeenAt: "2026-11-01T00:00:00Z", confirmationsCount: 3, updatedAt: "2026-11-02T00:00:00Z" };
  const place = { type: "Place", latitude: 45.7, longitude: 4.8 };

  it("reads the full IRI with a JSON literal, the compact term, and a Place's coordinates", () => {
    for (const raw of [
      { "https://voisine.example/ns/parvis#observation": { type: "@json", "@value": literal }, location: place },
      { "https://voisine.example/ns/parvis#observation": [{ "@type": "@json", "@value": literal }], location: [place] },
      { observation: literal, location: { ...place, latitude: "45.7", longitude: "4.8" } },
      { "parvis:observation": literal, location: place },
    ]) {
      expect(observationOf(raw)).toMatchObject({ kind: "camera", state: "gone", confirmationsCount: 3, latitude: 45.7, longitude: 4.8 });
    }
  });

  it("is no observation without a place, a kind, or with an unrelated term", () => {
    expect(observationOf({ observation: literal })).toBeNull();
    expect(observationOf({ observation: { ...literal, kind: 3 }, location: place })).toBeNull();
    expect(observationOf({ "https://evil.example/ns/other#observation": literal, location: place })).toBeNull();
    expect(observationOf({ observation: "camera", location: place })).toBeNull();
    expect(observationOf(null)).toBeNull();
  });
});
