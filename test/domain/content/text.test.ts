// The post formatter: plain text → HTML with links, mentions and hashtags.
import { describe, expect, it } from "vitest";
import { extractHashtags, extractMentions, renderPlainText, renderStatusText, type ResolvedMention } from "../../../server/domain/content";

const tagUrl = (name: string) => `https://ville.example/tags/${encodeURIComponent(name)}`;
const alice: ResolvedMention = { username: "alice", domain: null, url: "https://ville.example/@alice" };
const remote: ResolvedMention = { username: "bob", domain: "autre.example", url: "https://autre.example/@bob" };
const render = (text: string, mentions = new Map<string, ResolvedMention>()) => renderStatusText(text, mentions, tagUrl);

describe("renderStatusText", () => {
  it("plain text becomes one paragraph", () => {
    expect(render("Bonjour")).toBe("<p>Bonjour</p>");
  });

  it("a blank line separates paragraphs and a single newline becomes a line break", () => {
    expect(render("Un\ndeux\n\nTrois")).toBe("<p>Un<br>deux</p><p>Trois</p>");
  });

  it("Windows line endings are treated like newlines", () => {
    expect(render("Un\r\ndeux\r\n\r\nTrois")).toBe("<p>Un<br>deux</p><p>Trois</p>");
  });

  it("empty text gives empty HTML", () => {
    expect(render("  \n\n ")).toBe("");
  });

  it("HTML special characters are escaped", () => {
    expect(render(`<b>"gras" & 'fin'</b>`)).toBe("<p>&lt;b&gt;&quot;gras&quot; &amp; &#39;fin&#39;&lt;/b&gt;</p>");
  });

  it("a URL becomes a link with the scheme hidden", () => {
    expect(render("https://example.org")).toBe(
      '<p><a href="https://example.org" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https://</span><span class="">example.org</span></a></p>',
    );
  });

  it("a long URL is shortened for display and keeps its full address", () => {
    const url = "https://example.org/a/very/long/path/that/goes/on/and/on";
    const html = render(url);
    expect(html).toContain(`href="${url}"`);
    expect(html).toContain('<span class="ellipsis">example.org/a/very/long/path/t</span>');
    expect(html).toContain('<span class="invisible">hat/goes/on/and/on</span>');
  });

  it("trailing punctuation is not part of a link", () => {
    expect(render("Voir https://example.org/page.")).toMatch(/href="https:\/\/example\.org\/page".*<\/a>\.<\/p>$/);
  });

  it("a closing parenthesis around a URL is not part of it", () => {
    expect(render("(https://example.org/x)")).toContain('href="https://example.org/x"');
  });

  it("a parenthesis opened inside a URL stays in it", () => {
    expect(render("https://fr.wikipedia.org/wiki/Parvis_(architecture)")).toContain('href="https://fr.wikipedia.org/wiki/Parvis_(architecture)"');
  });

  it("an ampersand in a URL is escaped in the href", () => {
    expect(render("https://example.org/?a=1&b=2")).toContain('href="https://example.org/?a=1&amp;b=2"');
  });

  it("a javascript: address is not turned into a link", () => {
    expect(render("javascript:alert(1)")).toBe("<p>javascript:alert(1)</p>");
  });

  it("a quote in a URL cannot break out of the href", () => {
    const html = render('https://example.org/"onmouseover="alert(1)');
    expect(html).not.toMatch(/ onmouseover=/);
  });

  it("a resolved local mention becomes an h-card link", () => {
    expect(render("Salut @alice", new Map([["alice@", alice]]))).toBe(
      '<p>Salut <span class="h-card" translate="no"><a href="https://ville.example/@alice" class="u-url mention">@<span>alice</span></a></span></p>',
    );
  });

  it("a mention is matched whatever its case", () => {
    expect(render("Salut @Alice", new Map([["alice@", alice]]))).toContain("u-url mention");
  });

  it("a resolved remote mention becomes a link to the remote profile", () => {
    expect(render("Salut @bob@autre.example", new Map([["bob@autre.example", remote]]))).toContain('href="https://autre.example/@bob"');
  });

  it("an unresolved mention stays as plain text", () => {
    expect(render("Salut @ghost@nowhere.example")).toBe("<p>Salut @ghost@nowhere.example</p>");
  });

  it("an e-mail address is not a mention", () => {
    expect(render("Écrire à mairie@alice.example", new Map([["alice@", alice]]))).toBe("<p>Écrire à mairie@alice.example</p>");
  });

  it("a hashtag becomes a tag link to the lower-cased tag", () => {
    expect(render("Vive #Parvis")).toBe('<p>Vive <a href="https://ville.example/tags/parvis" class="mention hashtag" rel="tag">#<span>Parvis</span></a></p>');
  });

  it("a hashtag with accents is a hashtag", () => {
    expect(render("#fête")).toContain('href="https://ville.example/tags/f%C3%AAte"');
  });

  it("a number after # is not a hashtag", () => {
    expect(render("Ticket #42")).toBe("<p>Ticket #42</p>");
  });

  it("an HTML entity is not a hashtag", () => {
    expect(render("&#39;")).toBe("<p>&amp;#39;</p>");
  });

  it("the fragment of a URL is not a hashtag", () => {
    const html = render("https://example.org/page#section");
    expect(html).not.toContain("hashtag");
    expect(html).toContain('href="https://example.org/page#section"');
  });

  it("a hashtag longer than 100 characters is not cut into a shorter tag", () => {
    const html = render(`#${"a".repeat(101)}`);
    expect(html).not.toContain("hashtag");
  });

  it("a name longer than 30 characters is not cut into a mention of a shorter name", () => {
    const short = "a".repeat(30);
    const html = render(`@${short}b`, new Map([[`${short}@`, { username: short, domain: null, url: "https://ville.example/@x" }]]));
    expect(html).not.toContain("mention");
  });
});

describe("extractMentions", () => {
  it("finds local and remote mentions once each, in order", () => {
    expect(extractMentions("@alice @bob@Autre.Example @alice")).toEqual([
      { username: "alice", domain: null },
      { username: "bob", domain: "autre.example" },
    ]);
  });

  it("keeps the port of a remote mention", () => {
    expect(extractMentions("@carol@localhost:3101")).toEqual([{ username: "carol", domain: "localhost:3101" }]);
  });

  it("ignores mentions inside URLs", () => {
    expect(extractMentions("https://example.org/@alice")).toEqual([]);
  });

  it("acts on at most 50 mentions", () => {
    const text = Array.from({ length: 80 }, (_, i) => `@user${i}`).join(" ");
    expect(extractMentions(text)).toHaveLength(50);
  });

  it("does not take the first 30 characters of a longer name for a mention", () => {
    expect(extractMentions(`@${"x".repeat(31)}`)).toEqual([]);
  });
});

describe("extractHashtags", () => {
  it("finds tags lower-cased and unique", () => {
    expect(extractHashtags("#Marché #marché #Fête")).toEqual(["marché", "fête"]);
  });

  it("ignores numeric tags", () => {
    expect(extractHashtags("#2026 #an2026")).toEqual(["an2026"]);
  });

  it("keeps at most 50 tags", () => {
    expect(extractHashtags(Array.from({ length: 70 }, (_, i) => `#t${i}`).join(" "))).toHaveLength(50);
  });

  it("does not take the first 100 characters of a longer tag for a tag", () => {
    expect(extractHashtags(`#${"t".repeat(101)}`)).toEqual([]);
  });
});

describe("renderPlainText", () => {
  it("renders a bio with links and tags but no mentions", () => {
    const html = renderPlainText("Maire de #Testville\nhttps://mairie.example @alice", tagUrl);
    expect(html).toContain("hashtag");
    expect(html).toContain('href="https://mairie.example"');
    expect(html).toContain("@alice");
    expect(html).not.toContain("u-url mention");
  });
});
