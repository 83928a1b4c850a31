// The hashtag rule shared by posts, remote notes, search, timelines and
// streaming (server/domain/content/hashtags.ts): what is a tag name, and where
// a tag starts and ends inside text.
import { describe, expect, it } from "vitest";
import { extractHashtags, HASHTAG_IN_TEXT, isTagName, normalizeTagName, TAG_NAME, withoutHash } from "../../server/domain/content";

const inText = (text: string) => [...text.matchAll(new RegExp(HASHTAG_IN_TEXT, "gu"))].map((m) => m[2]);

describe("isTagName", () => {
  it("accepts letters and digits of any script and underscores", () => {
    for (const name of ["parvis", "Fête", "日本語", "Ελλάδα", "мэрия", "قرية", "an_2026", "_", "42"]) expect(isTagName(name), name).toBe(true);
  });

  it("refuses punctuation, spaces, the # itself, emoji and the empty name", () => {
    for (const name of ["", "#parvis", "par vis", "par-vis", "tag.", "a/b", "café!", "🎉", "a\u200Eb"]) expect(isTagName(name), name).toBe(false);
  });

  it("is bounded at 100 characters", () => {
    expect(isTagName("a".repeat(100))).toBe(true);
    expect(isTagName("a".repeat(101))).toBe(false);
  });

  it("TAG_NAME is anchored: a tag name inside a longer string does not pass", () => {
    expect(TAG_NAME.test("ok tag")).toBe(false);
    expect(TAG_NAME.test("tag\n")).toBe(false);
  });
});

describe("HASHTAG_IN_TEXT", () => {
  it("finds tags in any script", () => {
    expect(inText("#fête à #日本語 et #Ελλάδα")).toEqual(["fête", "日本語", "Ελλάδα"]);
  });

  it("stops a tag at trailing punctuation", () => {
    expect(inText("Vive #parvis. Et #mairie, #vote! (#budget) #ok?")).toEqual(["parvis", "mairie", "vote", "budget", "ok"]);
  });

  it("does not see a tag in a URL's fragment or path", () => {
    expect(inText("https://example.org/page#section")).toEqual([]);
    expect(inText("voir example.org/#accueil")).toEqual([]);
  });

  it("does not see a tag glued to a word, an HTML entity or another #", () => {
    expect(inText("abc#tag")).toEqual([]);
    expect(inText("&#39; et &#x27;")).toEqual([]);
    expect(inText("##double")).toEqual([]);
  });

  it("does not cut a name longer than 100 characters into a shorter tag", () => {
    expect(inText(`#${"a".repeat(101)}`)).toEqual([]);
    expect(inText(`#${"a".repeat(100)}`)).toEqual(["a".repeat(100)]);
  });

  it("a tag may start the text or follow a line break", () => {
    expect(inText("#un\n#deux")).toEqual(["un", "deux"]);
  });
});

describe("extractHashtags follows the same rule", () => {
  it("inside and outside URLs, with punctuation", () => {
    expect(extractHashtags("https://example.org/a#b #Vrai. #vrai")).toEqual(["vrai"]);
  });
});

describe("withoutHash", () => {
  it("drops one leading # only", () => {
    expect(withoutHash("#fête")).toBe("fête");
    expect(withoutHash("##fête")).toBe("#fête");
    expect(withoutHash("fê#te")).toBe("fê#te");
  });
});

describe("normalizeTagName", () => {
  it("drops # and spaces and lower-cases", () => {
    expect(normalizeTagName("  #Fête ")).toBe("fête");
  });

  it("refuses a bare number and malformed names", () => {
    expect(normalizeTagName("#2026")).toBeNull();
    expect(normalizeTagName("an2026")).toBe("an2026");
    expect(normalizeTagName("par vis")).toBeNull();
    expect(normalizeTagName("#")).toBeNull();
  });
});
