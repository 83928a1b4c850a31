// The text rules shared by the edge, the federation queue and the domain.
import { describe, expect, it } from "vitest";
import { isBlank, jsonForJsonb, normaliseStrings, stripBidiControls, wellFormed } from "../../server/unicode";

describe("wellFormed", () => {
  it("replaces a lone high or low surrogate by U+FFFD and keeps pairs", () => {
    expect(wellFormed("a\ud800b\udc00c😀\ud83d")).toBe("a\ufffdb\ufffdc😀\ufffd");
  });

  it("replaces NUL by U+FFFD", () => {
    expect(wellFormed("a\u0000b")).toBe("a\ufffdb");
  });
});

describe("jsonForJsonb", () => {
  it("writes lone surrogates and NUL as \\ufffd, and parses back to the same text as wellFormed gives", () => {
    const value = { "k\ud800": ["x\udc00", "\u0000", "😀"] };
    const json = jsonForJsonb(value);
    expect(json).not.toMatch(/\\u(d[89a-f]|0000)/);
    expect(JSON.parse(json)).toEqual({ "k\ufffd": ["x\ufffd", "\ufffd", "😀"] });
  });

  it("leaves a written backslash followed by u alone", () => {
    const value = { text: "\\ud800 and \\\\u0000" };
    expect(JSON.parse(jsonForJsonb(value))).toEqual(value);
  });

  it("writes null for undefined (jsonb has no undefined)", () => {
    expect(jsonForJsonb(undefined)).toBe("null");
  });
});

describe("normaliseStrings", () => {
  it("replaces in strings and keys at every level, in arrays too", () => {
    const { value, tooDeep } = normaliseStrings({ a: [{ "b\ud800": "\udc00" }], c: 1, d: null });
    expect([value, tooDeep]).toEqual([{ a: [{ "b\ufffd": "\ufffd" }], c: 1, d: null }, false]);
  });

  it("tells a value nested deeper than allowed", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 10; i++) deep = [deep];
    expect(normaliseStrings(deep, 5).tooDeep).toBe(true);
  });
});

describe("isBlank", () => {
  it("is true for invisible characters only, false with one visible character", () => {
    expect([isBlank("\u200b\u200c\u200d\ufeff \n\u2060\u3164\u{E0020}"), isBlank("\u200ba")]).toEqual([true, false]);
  });
});

describe("stripBidiControls", () => {
  it("drops overrides, embeddings, isolates and marks", () => {
    expect(stripBidiControls("a\u202Eb\u2066c\u2069d\u200Fe\u061Cf")).toBe("abcdef");
  });
});
