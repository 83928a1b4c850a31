// The one HTML allowlist, and the text helpers beside it.
import { describe, expect, it } from "vitest";
import { escapeHtml, htmlToText, MAX_HTML_NESTING, nestsDeeperThan, sanitizePostHtml, stripHtml } from "../../../server/domain/content";

describe("sanitizePostHtml", () => {
  it("keeps paragraphs, line breaks and emphasis", () => {
    expect(sanitizePostHtml("<p>Un<br>deux <em>trois</em> <strong>quatre</strong></p>")).toBe("<p>Un<br />deux <em>trois</em> <strong>quatre</strong></p>");
  });

  it("removes script elements with their content", () => {
    expect(sanitizePostHtml("<p>ok</p><script>alert(1)</script>")).toBe("<p>ok</p>");
  });

  it("removes style, iframe, svg and object elements with their content", () => {
    expect(sanitizePostHtml("<style>p{}</style><iframe src=x>t</iframe><svg><circle/></svg><object>o</object><p>ok</p>")).toBe("<p>ok</p>");
  });

  it("keeps the text of unknown elements but drops the elements", () => {
    expect(sanitizePostHtml("<div><marquee>texte</marquee></div>")).toBe("texte");
  });

  it("removes event handler attributes", () => {
    expect(sanitizePostHtml('<p onclick="alert(1)">x</p><a href="https://a.example" onmouseover="alert(2)">y</a>')).not.toMatch(/on(click|mouseover)/);
  });

  it("removes images", () => {
    expect(sanitizePostHtml('<img src="https://a.example/x.png" onerror="alert(1)">')).toBe("");
  });

  it("drops a javascript: href", () => {
    const html = sanitizePostHtml('<a href="javascript:alert(1)">x</a>');
    expect(html).not.toContain("javascript");
  });

  it("drops an obfuscated javascript: href", () => {
    const html = sanitizePostHtml('<a href="jav&#x09;ascript:alert(1)">x</a><a href=" JaVaScRiPt:alert(1)">y</a>');
    expect(html.toLowerCase()).not.toContain("script:");
  });

  it("drops a data: href", () => {
    expect(sanitizePostHtml('<a href="data:text/html,<script>alert(1)</script>">x</a>')).not.toContain("data:");
  });

  it("drops a protocol-relative href", () => {
    expect(sanitizePostHtml('<a href="//evil.example">x</a>')).not.toContain("evil.example");
  });

  it("forces rel and target on links", () => {
    expect(sanitizePostHtml('<a href="https://a.example" rel="opener" target="_self">x</a>')).toBe(
      '<a href="https://a.example" rel="nofollow noopener noreferrer" target="_blank">x</a>',
    );
  });

  it("keeps the microformat classes of mentions and hashtags", () => {
    const html = '<span class="h-card"><a href="https://a.example/@x" class="u-url mention">@<span>x</span></a></span>';
    expect(sanitizePostHtml(html)).toContain('class="u-url mention"');
    expect(sanitizePostHtml(html)).toContain('class="h-card"');
  });

  it("drops classes outside the allowlist", () => {
    expect(sanitizePostHtml('<span class="invisible evil-overlay">x</span>')).toBe('<span class="invisible">x</span>');
  });

  it("drops style attributes", () => {
    expect(sanitizePostHtml('<p style="position:fixed">x</p>')).toBe("<p>x</p>");
  });

  it("turns headings into bold text", () => {
    expect(sanitizePostHtml("<h1>Titre</h1>")).toBe("<strong>Titre</strong>");
  });

  it("keeps lists and their numbering attributes", () => {
    expect(sanitizePostHtml('<ol start="3" onclick="x"><li value="4">a</li></ol>')).toBe('<ol start="3"><li value="4">a</li></ol>');
  });

  it("escapes stray angle brackets in text", () => {
    expect(sanitizePostHtml("1 < 2 > 0")).toBe("1 &lt; 2 &gt; 0");
  });
});

describe("stripHtml", () => {
  it("removes every tag and decodes the basic entities", () => {
    expect(stripHtml("<b>Jean &amp; Marie</b> &lt;3")).toBe("Jean & Marie <3");
  });

  it("drops script content entirely", () => {
    expect(stripHtml("Nom<script>alert(1)</script>")).toBe("Nom");
  });
});

describe("HTML nested too deep", () => {
  const timed = (f: () => string) => {
    const start = performance.now();
    const out = f();
    return { out, ms: performance.now() - start };
  };

  it("keeps a post nested within the limit as it is", () => {
    const html = `${"<blockquote>".repeat(MAX_HTML_NESTING - 1)}<p>deep</p>${"</blockquote>".repeat(MAX_HTML_NESTING - 1)}`;
    expect(sanitizePostHtml(html)).toBe(html);
  });

  it("reduces 40,000 nested elements to their escaped text, quickly", () => {
    const html = `${"<span>".repeat(40_000)}a <script>&amp; 1 > 0${"</span>".repeat(40_000)}`;
    const { out, ms } = timed(() => sanitizePostHtml(html));
    expect({ out, quick: ms < 1_000 }).toEqual({ out: "<p>a &amp; 1 &gt; 0</p>", quick: true });
  });

  it("reduces 40,000 unclosed elements to nothing, quickly", () => {
    const { out, ms } = timed(() => sanitizePostHtml("<b>".repeat(40_000)));
    expect({ out, quick: ms < 1_000 }).toEqual({ out: "", quick: true });
  });

  it("strips the tags of a deeply nested name, quickly", () => {
    const { out, ms } = timed(() => stripHtml(`${"<i>".repeat(40_000)}Jean &amp; Marie${"</i>".repeat(40_000)}`));
    expect({ out, quick: ms < 1_000 }).toEqual({ out: "Jean & Marie", quick: true });
  });

  it("scans runs of unfinished tags in linear time", () => {
    const inputs = ["<a".repeat(60_000), "<".repeat(100_000), "<a x='".repeat(40_000)];
    const slowest = Math.max(...inputs.map((html) => timed(() => sanitizePostHtml(html)).ms));
    expect(slowest).toBeLessThan(2_000);
  });

  it("counts void and self-closing elements as not nesting", () => {
    expect([nestsDeeperThan("<br>".repeat(1_000), 64), nestsDeeperThan("<span/>".repeat(1_000), 64), nestsDeeperThan("<b>".repeat(65), 64)]).toEqual([
      false,
      false,
      true,
    ]);
  });
});

describe("htmlToText", () => {
  it("keeps paragraph and line breaks as newlines", () => {
    expect(htmlToText("<p>Un<br>deux</p><p>trois</p>")).toBe("Un\ndeux\n\ntrois");
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
