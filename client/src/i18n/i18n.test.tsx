import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { I18nProvider, useI18n } from "./context";
import { createTranslator, detectLocale, dictionaries, LOCALE_STORAGE_KEY, type Messages } from "./core";

afterEach(cleanup);
beforeEach(() => localStorage.clear());

describe("locale detection", () => {
  it("defaults to French when the browser speaks neither French nor English", () => {
    expect(detectLocale(null, ["de-DE", "it"])).toBe("fr");
    expect(detectLocale(null, [])).toBe("fr");
  });

  it("follows an English browser", () => {
    expect(detectLocale(null, ["en-GB", "fr"])).toBe("en");
  });

  it("prefers the stored choice over the browser", () => {
    expect(detectLocale("fr", ["en-US"])).toBe("fr");
    expect(detectLocale("xx", ["en-US"])).toBe("en");
  });
});

describe("translation", () => {
  it("speaks French by default and English on request", () => {
    expect(createTranslator("fr").t("nav.search")).toBe("Rechercher");
    expect(createTranslator("en").t("nav.search")).toBe("Search");
  });

  it("fills placeholders", () => {
    expect(createTranslator("fr").t("status.boostedBy", { name: "Alice" })).toBe("Alice a partagé");
    expect(createTranslator("en").t("status.boostedBy", { name: "Alice" })).toBe("Alice boosted");
  });

  it("chooses the plural form with the locale's rules", () => {
    const fr = createTranslator("fr");
    const en = createTranslator("en");
    expect(fr.t("compose.remaining", { count: 1 })).toBe("1 caractère restant");
    // French treats 0 as singular, English does not
    expect(fr.t("compose.remaining", { count: 0 })).toBe("0 caractère restant");
    expect(en.t("compose.remaining", { count: 0 })).toBe("0 characters left");
    expect(en.t("compose.remaining", { count: 1 })).toBe("1 character left");
    expect(fr.t("status.repliesCount", { count: 0 })).toBe("Aucune réponse");
  });

  it("formats numbers in placeholders for the locale", () => {
    const fr = createTranslator("fr").t("compose.remaining", { count: 4999 });
    const en = createTranslator("en").t("compose.remaining", { count: 4999 });
    expect(en).toBe("4,999 characters left");
    expect(fr).toMatch(/^4\s999 caractères restants$/u);
  });

  it("localises relative and absolute dates", () => {
    const now = Date.parse("2026-11-22T10:00:00Z");
    const fiveMinutesAgo = new Date(now - 5 * 60_000).toISOString();
    expect(createTranslator("en").formatRelative(fiveMinutesAgo, now)).toMatch(/5 min/);
    expect(createTranslator("fr").formatRelative(fiveMinutesAgo, now)).toMatch(/^il\s+y\s+a\s+5\s+min/u);
    expect(createTranslator("fr").formatRelative(new Date(now - 10_000).toISOString(), now)).toBe("à l’instant");
    expect(createTranslator("fr").formatDate("2026-11-22T10:00:00Z")).toMatch(/novembre 2026/);
    expect(createTranslator("en").formatDate("2026-11-22T10:00:00Z")).toMatch(/November 22, 2026/);
  });

  it("returns the key itself for an unknown key", () => {
    expect(createTranslator("en").t("nope.missing")).toBe("nope.missing");
  });
});

function keysOf(messages: Messages, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([k, v]) => {
    if (typeof v === "string") return [prefix + k];
    if (typeof v.other === "string") return [prefix + k];
    return keysOf(v, `${prefix}${k}.`);
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "testing" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("dictionaries", () => {
  const fr = keysOf(dictionaries.fr).sort();
  const en = keysOf(dictionaries.en).sort();

  it("have the same keys in French and English", () => {
    expect(en).toEqual(fr);
  });

  it("hold every key the interface uses", () => {
    const root = join(__dirname, "..");
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of sourceFiles(root)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z0-9_.]+)"/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bt\(\s*`([a-zA-Z0-9_.]+)\$\{/g)) prefixes.add(m[1]);
      // keys returned by helpers ("relationship.follow", "login.pending"…)
      for (const m of text.matchAll(/return\s+"((?:relationship|login|errors|notifications)\.[a-zA-Z0-9_.]+)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !fr.includes(k));
    expect(missing).toEqual([]);
    for (const prefix of prefixes) expect(fr.some((k) => k.startsWith(prefix))).toBe(true);
  });
});

function Probe() {
  const { t, setLocale } = useI18n();
  return (
    <div>
      <p>{t("nav.settings")}</p>
      <button type="button" onClick={() => setLocale("en")}>
        switch
      </button>
    </div>
  );
}

describe("I18nProvider", () => {
  it("switches to English, persists the choice and sets <html lang>", async () => {
    Object.defineProperty(navigator, "languages", { value: ["fr-FR"], configurable: true });
    render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByText("Réglages")).toBeTruthy();
    expect(document.documentElement.lang).toBe("fr");
    await act(async () => screen.getByRole("button").click());
    expect(screen.getByText("Settings")).toBeTruthy();
    expect(document.documentElement.lang).toBe("en");
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe("en");
  });

  it("starts in the stored language", () => {
    localStorage.setItem(LOCALE_STORAGE_KEY, "en");
    render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByText("Settings")).toBeTruthy();
  });
});
