// server/domain/places: what a resident's parvis_place may be, what another
// server's location becomes, and the map's bounding box. Pure functions.
import { describe, expect, it } from "vitest";
import { parsePlace, placeColumns, placeOf, remotePlace } from "../../../server/domain/places";
import { parseBoundingBox } from "../../../server/domain/timelines";
import { Invalid } from "../../../server/errors";
import { locationOf } from "../../../federation/from-activitypub/place";

describe("parsePlace", () => {
  it("reads numbers and decimal strings, trims the name, and tells absent from removed", () => {
    expect(parsePlace({ latitude: 45.5, longitude: "-3.25", name: "  Mairie " })).toEqual({ latitude: 45.5, longitude: -3.25, name: "Mairie" });
    expect(parsePlace({ latitude: "90", longitude: "-180" })).toEqual({ latitude: 90, longitude: -180, name: null });
    expect(parsePlace({ latitude: -0, longitude: 0 })).toEqual({ latitude: 0, longitude: 0, name: null });
    expect(Object.is(parsePlace({ latitude: -0, longitude: 0 })!.latitude, 0)).toBe(true);
    expect(parsePlace(undefined)).toBeUndefined();
    expect(parsePlace(null)).toBeNull();
    expect(parsePlace("")).toBeNull();
  });

  it.each([
    ["NaN", { latitude: Number.NaN, longitude: 0 }],
    ["Infinity", { latitude: Number.POSITIVE_INFINITY, longitude: 0 }],
    ["an empty string", { latitude: "", longitude: 0 }],
    ["a padded hexadecimal", { latitude: " 0x1 ", longitude: 0 }],
    ["a very long number string", { latitude: "1".repeat(30), longitude: 0 }],
    ["a 200-digit exponent", { latitude: "1e999", longitude: 0 }],
    ["a name with a newline", { latitude: 1, longitude: 1, name: "a\nb" }],
    ["a name with a right-to-left override", { latitude: 1, longitude: 1, name: "a\u202Eb" }],
    ["a name of 201 code points", { latitude: 1, longitude: 1, name: "😀".repeat(201) }],
  ])("refuses %s", (_label, value) => {
    expect(() => parsePlace(value)).toThrow(Invalid);
  });

  it("a name of 200 emoji (400 UTF-16 units) is accepted: characters are code points", () => {
    expect(parsePlace({ latitude: 1, longitude: 1, name: "😀".repeat(200) })?.name).toHaveLength(400);
  });
});

describe("remotePlace", () => {
  it("keeps a usable place, cleans its name, and drops everything else", () => {
    expect(remotePlace({ latitude: 1, longitude: 2, name: "<i>Halle</i>\u202E" })).toEqual({ latitude: 1, longitude: 2, name: "Halle" });
    expect(remotePlace({ latitude: 1, longitude: 2, name: 42 })).toEqual({ latitude: 1, longitude: 2, name: null });
    expect(remotePlace({ latitude: 91, longitude: 2 })).toBeNull();
    expect(remotePlace({ latitude: Number.NaN, longitude: 2 })).toBeNull();
    expect(remotePlace({ latitude: "1", longitude: 2 })).toBeNull();
    expect(remotePlace(null)).toBeNull();
  });

  it("columns and back give the same place", () => {
    const place = { latitude: 45.1, longitude: 5.7, name: "Gare" };
    expect(placeOf(placeColumns(place))).toEqual(place);
    expect(placeOf(placeColumns(null))).toBeNull();
  });
});

describe("locationOf (federation/from-activitypub/place.ts)", () => {
  it("reads an ActivityStreams Place, Mobilizon's address, an array, prefixed keys", () => {
    expect(locationOf({ location: { type: "Place", name: "Sol", latitude: 40.4, longitude: -3.7 } })).toEqual({ latitude: 40.4, longitude: -3.7, name: "Sol" });
    expect(
      locationOf({
        location: { type: "Place", latitude: 50.1, longitude: -3.5, address: { type: "PostalAddress", streetAddress: "1 rue Haute", postalCode: "38000", addressLocality: "Grenoble" } },
      }),
    ).toEqual({ latitude: 50.1, longitude: -3.5, name: "1 rue Haute, 38000 Grenoble" });
    expect(locationOf({ location: ["x", { type: ["Object", "Place"], latitude: 1, longitude: 2, nameMap: { fr: "Halle" } }] })).toEqual({ latitude: 1, longitude: 2, name: "Halle" });
    expect(locationOf({ "as:location": { "as:latitude": 1, "as:longitude": 2 } })).toEqual({ latitude: 1, longitude: 2, name: null });
  });

  it("ignores junk", () => {
    for (const location of [undefined, null, "Paris", 3, [], [1, 2], { type: "Place" }, { type: "Person", latitude: 1, longitude: 2 }, { latitude: "1e3", longitude: 2 }]) {
      expect(locationOf({ location })).toBeNull();
    }
    expect(locationOf(null)).toBeNull();
  });
});

describe("parseBoundingBox", () => {
  it("reads minLon,minLat,maxLon,maxLat", () => {
    expect(parseBoundingBox("5.6,45.1,5.8,45.3")).toEqual({ minLon: 5.6, minLat: 45.1, maxLon: 5.8, maxLat: 45.3 });
    expect(parseBoundingBox("170,-20,-170,-10")).toEqual({ minLon: 170, minLat: -20, maxLon: -170, maxLat: -10 });
  });

  it.each([undefined, ["1,2,3,4"], "1,2,3", "1,2,3,4,5", "1,2,3,x", "1,91,3,92", "181,2,3,4", "1,5,3,4", "1e1,2,3,4"])("refuses %j", (value) => {
    expect(() => parseBoundingBox(value)).toThrow(Invalid);
  });
});
