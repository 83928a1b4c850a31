// Strings of the few pages the server renders itself (OAuth authorization).
import en from "./en.json" with { type: "json" };
import fr from "./fr.json" with { type: "json" };

const catalogs = { fr, en } as const;
export type Locale = keyof typeof catalogs;
export type MessageKey = keyof typeof fr;

/** French unless the browser prefers English. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  const first = (acceptLanguage ?? "").split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("en") ? "en" : "fr";
}

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string> = {}): string {
  const template: string = catalogs[locale][key] ?? catalogs.fr[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? "");
}
