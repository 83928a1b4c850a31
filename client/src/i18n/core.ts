// A deliberately tiny i18n core: dotted keys into nested JSON dictionaries,
// {placeholders}, plural forms chosen with Intl.PluralRules, and dates and
// numbers formatted with Intl. No library.
import fr from "./fr.json";
import en from "./en.json";

export const SUPPORTED_LOCALES = ["fr", "en"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "fr";
export const LOCALE_STORAGE_KEY = "parvis.locale";

type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export interface Messages {
  [key: string]: string | Messages;
}

export const dictionaries: Record<Locale, Messages> = { fr: fr as Messages, en: en as Messages };

export type Vars = Record<string, string | number | null | undefined>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * The stored choice first, then the browser's languages, then French:
 * Parvis serves French communes, so French is the default.
 */
export function detectLocale(stored: string | null | undefined, languages: readonly string[] | undefined): Locale {
  if (isLocale(stored)) return stored;
  for (const language of languages ?? []) {
    const base = language.toLowerCase().split(/[-_]/)[0];
    if (isLocale(base)) return base;
  }
  return DEFAULT_LOCALE;
}

function lookup(messages: Messages, key: string): string | Messages | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = node[part];
  }
  return node;
}

function isPlural(node: unknown): node is PluralForms {
  return typeof node === "object" && node !== null && typeof (node as PluralForms).other === "string";
}

export interface Translator {
  locale: Locale;
  /** Translates a key; `vars.count` (a number) selects the plural form. */
  t: (key: string, vars?: Vars) => string;
  has: (key: string) => boolean;
  formatNumber: (value: number) => string;
  /** Absolute date and time, e.g. "22 novembre 2026 à 09:05" */
  formatDateTime: (value: string | Date) => string;
  formatDate: (value: string | Date) => string;
  /** "il y a 5 min", "3 h", or a short date for older ones */
  formatRelative: (value: string | Date, now?: number) => string;
}

const translators = new Map<Locale, Translator>();

export function createTranslator(locale: Locale): Translator {
  const cached = translators.get(locale);
  if (cached) return cached;
  const messages = dictionaries[locale];
  const fallback = dictionaries[DEFAULT_LOCALE];
  const pluralRules = new Intl.PluralRules(locale);
  const numberFormat = new Intl.NumberFormat(locale);
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short" });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long" });
  const shortDate = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  const shortDateYear = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric" });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "short" });

  const interpolate = (template: string, vars?: Vars): string =>
    template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = vars?.[name];
      if (value === undefined || value === null) return whole;
      return typeof value === "number" ? numberFormat.format(value) : value;
    });

  const t = (key: string, vars?: Vars): string => {
    let node = lookup(messages, key);
    if (node === undefined) node = lookup(fallback, key);
    if (typeof node === "string") return interpolate(node, vars);
    if (isPlural(node)) {
      const count = typeof vars?.count === "number" ? vars.count : 0;
      const form = count === 0 && node.zero !== undefined ? "zero" : pluralRules.select(count);
      return interpolate(node[form] ?? node.other, vars);
    }
    return key;
  };

  const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

  const translator: Translator = {
    locale,
    t,
    has: (key) => lookup(messages, key) !== undefined,
    formatNumber: (value) => numberFormat.format(value),
    formatDateTime: (value) => dateTimeFormat.format(toDate(value)),
    formatDate: (value) => dateFormat.format(toDate(value)),
    formatRelative: (value, now = Date.now()) => {
      const date = toDate(value);
      const seconds = Math.round((now - date.getTime()) / 1000);
      if (seconds < 45) return t("time.justNow");
      const minutes = Math.round(seconds / 60);
      if (minutes < 60) return relative.format(-minutes, "minute");
      const hours = Math.round(minutes / 60);
      if (hours < 24) return relative.format(-hours, "hour");
      const days = Math.round(hours / 24);
      if (days < 7) return relative.format(-days, "day");
      return new Date(now).getFullYear() === date.getFullYear() ? shortDate.format(date) : shortDateYear.format(date);
    },
  };
  translators.set(locale, translator);
  return translator;
}
