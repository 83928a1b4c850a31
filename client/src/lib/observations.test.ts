// The map's small rules: the view a URL asks for, and the observation form's tags.
import { describe, expect, it } from "vitest";
import { cleanTags, requiredFilled, validDirection, viewFromSearch } from "./observations";

describe("viewFromSearch", () => {
  const view = (q: string) => viewFromSearch(new URLSearchParams(q));
  it("reads ?lat&lon&zoom, zoom 16 when absent", () => {
    expect(view("lat=45.19&lon=5.72&zoom=14")).toEqual({ center: [45.19, 5.72], zoom: 14 });
    expect(view("lat=-33.9&lon=151.2")).toEqual({ center: [-33.9, 151.2], zoom: 16 });
  });
  it.each(["", "lat=&lon=", "lat=45", "lat=91&lon=0", "lat=0&lon=181", "lat=abc&lon=1", "lat=1&lon=2&zoom=20", "lat=1&lon=2&zoom=1.5", "lat=1&lon=2&zoom=-1"])("ignores %j", (q) => {
    expect(view(q)).toBeNull();
  });
});

describe("the observation form's tags", () => {
  it("keeps the kind's keys with a value, trimmed", () => {
    expect(cleanTags("camera", { "camera:type": "dome", operator: "  Ville ", issue: "road", "camera:mount": "" })).toEqual({ "camera:type": "dome", operator: "Ville" });
    expect(cleanTags("issue", { issue: "lighting", "camera:type": "dome" })).toEqual({ issue: "lighting" });
  });
  it("asks an issue for its category", () => {
    expect(requiredFilled("issue", {})).toBe(false);
    expect(requiredFilled("issue", { issue: "dumping" })).toBe(true);
    expect(requiredFilled("camera", {})).toBe(true);
  });
  it("takes a direction in whole degrees from 0 to 360", () => {
    expect(["", "0", "135", "360"].every(validDirection)).toBe(true);
    expect(["361", "-1", "12.5", "N", "1e2", " 90"].some(validDirection)).toBe(false);
  });
});
