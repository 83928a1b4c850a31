// Natural-language values (content, summary, name) as Fedify gives them: a
// plain string, or LanguageStrings from a contentMap.
import { LanguageString } from "@fedify/vocab";

type TextValue = string | LanguageString;

/** The plain value if there is one, else the first language's. */
export function firstText(values: readonly TextValue[]): string | null {
  const plain = values.find((v) => !(v instanceof LanguageString));
  const chosen = plain ?? values[0];
  return chosen == null ? null : chosen.toString();
}

/** The language of a contentMap entry, if any. */
export function languageOf(values: readonly TextValue[]): string | null {
  const tagged = values.find((v): v is LanguageString => v instanceof LanguageString);
  return tagged ? tagged.locale.baseName : null;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
