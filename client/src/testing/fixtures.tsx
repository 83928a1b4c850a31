// Helpers for component tests: entity factories and a render with providers.
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import type { Account, CredentialAccount, Instance, Status } from "../api/types";
import { I18nProvider } from "../i18n/context";
import type { Locale } from "../i18n/core";
import { AnnouncerProvider } from "../state/announcer";
import { StaticSessionProvider } from "../state/session";

let counter = 0;
const nextId = () => String(100000 + ++counter);

export function makeAccount(overrides: Partial<Account> = {}): Account {
  const id = overrides.id ?? nextId();
  const username = overrides.username ?? `user${id}`;
  return {
    id,
    username,
    acct: username,
    display_name: "",
    locked: false,
    bot: false,
    created_at: "2026-01-01T10:00:00.000Z",
    note: "",
    url: `http://localhost/@${username}`,
    avatar: "",
    avatar_static: "",
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    fields: [],
    ...overrides,
  };
}

export function makeStatus(overrides: Partial<Status> = {}): Status {
  const id = overrides.id ?? nextId();
  const account = overrides.account ?? makeAccount();
  return {
    id,
    uri: `http://localhost/users/${account.username}/statuses/${id}`,
    url: `http://localhost/@${account.username}/${id}`,
    created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    edited_at: null,
    account,
    content: `<p>Status ${id}</p>`,
    visibility: "public",
    sensitive: false,
    spoiler_text: "",
    media_attachments: [],
    mentions: [],
    tags: [],
    reblogs_count: 0,
    favourites_count: 0,
    replies_count: 0,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    reblog: null,
    language: "fr",
    favourited: false,
    reblogged: false,
    ...overrides,
  };
}

export function makeInstance(overrides: Partial<Instance> = {}): Instance {
  return {
    domain: "saint-martin.example",
    title: "Parvis de Saint-Martin",
    description: "Le réseau des habitants.",
    configuration: { statuses: { max_characters: 500 } },
    registrations: { enabled: true, approval_required: false, message: null },
    rules: [{ id: "1", text: "Soyez courtois" }],
    parvis: { commune_name: "Saint-Martin", insee_code: "12345", charter: "Article 1.\n\nArticle 2." },
    ...overrides,
  };
}

export function renderWithProviders(
  ui: ReactElement,
  options: { account?: CredentialAccount | null; maxCharacters?: number; locale?: Locale; instance?: Instance | null } = {},
): RenderResult {
  return render(
    <I18nProvider locale={options.locale ?? "fr"}>
      <StaticSessionProvider
        value={{
          account: options.account ?? null,
          instance: options.instance ?? null,
          maxCharacters: options.maxCharacters ?? 500,
        }}
      >
        <AnnouncerProvider>{ui}</AnnouncerProvider>
      </StaticSessionProvider>
    </I18nProvider>,
  );
}

/** A fetch Response as the API would send it. */
export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(body === undefined ? "" : JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json", ...init.headers },
  });
}
