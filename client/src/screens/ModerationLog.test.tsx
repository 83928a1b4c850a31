import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialAccount, ModerationLogEntry } from "../api/types";
import { jsonResponse, makeAccount, makeInstance, renderWithProviders } from "../testing/fixtures";
import { AdminInstanceScreen } from "./AdminInstance";
import { ModerationLogScreen } from "./ModerationLog";
import { PrivacyScreen } from "./Privacy";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function entry(overrides: Partial<ModerationLogEntry> = {}): ModerationLogEntry {
  return {
    id: "2",
    created_at: "2026-11-20T10:00:00.000Z",
    action: "domain_blocked",
    actor_role: "moderator",
    target: { type: "domain", id: "spam.example", label: "spam.example", local: false, anonymised: false },
    rules: [{ id: "1", text: "Soyez courtois" }],
    public_reason: "Vague de spam",
    nonce: "ab".repeat(16),
    content_hash: "c".repeat(64),
    prev_hash: "d".repeat(64),
    hash: "e".repeat(64),
    signature: "sig",
    ...overrides,
  };
}

const verified = { ok: true, entries: 2, head: { seq: 2, hash: "e".repeat(64) }, first_broken: null, signature: "valid" };

function route(log: unknown[], verify: unknown = verified, link?: string) {
  fetchMock.mockImplementation(async (url) => {
    const u = String(url);
    if (u.startsWith("/api/parvis/moderation_log/verify")) return jsonResponse(verify);
    if (u.startsWith("/api/parvis/moderation_log")) return jsonResponse(log, { headers: link ? { Link: link } : {} });
    throw new Error(`unexpected ${u}`);
  });
}

describe("ModerationLogScreen", () => {
  it("shows each decision with its action, target, rule link, reason and role, and the verification", async () => {
    route([
      entry(),
      entry({ id: "1", action: "account_silenced", actor_role: "admin", rules: [], public_reason: "", target: { type: "account", id: null, label: null, local: true, anonymised: true } }),
    ]);
    renderWithProviders(<ModerationLogScreen />, { instance: makeInstance() });
    const first = await screen.findByRole("article", { name: /N° 2 Instance bloquée/ });
    expect(within(first).getByText("spam.example")).toBeTruthy();
    expect(within(first).getByRole("link", { name: "Soyez courtois" }).getAttribute("href")).toBe("/about#rule-1");
    expect(within(first).getByText("Vague de spam")).toBeTruthy();
    expect(within(first).getByText("L’équipe de modération")).toBeTruthy();
    const second = screen.getByRole("article", { name: /N° 1 Compte limité/ });
    expect(within(second).getByText("Un compte de l’instance (anonymisé)")).toBeTruthy();
    expect(within(second).getByText("L’administration")).toBeTruthy();
    expect((await screen.findByText("Intégrité vérifiée : 2 entrées, chaîne intacte, signée par l’instance.")).getAttribute("role")).toBe("status");
  });

  it("says where the chain breaks", async () => {
    route([entry()], { ok: false, entries: 2, head: null, first_broken: { seq: 2, reason: "content_hash" }, signature: "valid" });
    renderWithProviders(<ModerationLogScreen />, { instance: makeInstance() });
    expect(await screen.findByText("Attention : le journal ne se vérifie plus à partir de l’entrée n° 2. Il a pu être modifié.")).toBeTruthy();
  });

  it("filters by action and by rule through the API", async () => {
    route([entry()]);
    renderWithProviders(<ModerationLogScreen />, { instance: makeInstance() });
    await screen.findByRole("article", { name: /N° 2/ });
    await act(async () => fireEvent.change(screen.getByLabelText("Action"), { target: { value: "domain_blocked" } }));
    await act(async () => fireEvent.change(screen.getByLabelText("Règle"), { target: { value: "1" } }));
    const last = fetchMock.mock.calls.map(([u]) => String(u)).filter((u) => u.startsWith("/api/parvis/moderation_log?")).at(-1)!;
    const params = new URL(last, "http://x").searchParams;
    expect(params.get("action")).toBe("domain_blocked");
    expect(params.get("rule_id")).toBe("1");
  });

  it("loads older decisions from the Link header", async () => {
    route([entry()], verified, '<http://x/api/parvis/moderation_log?max_id=2>; rel="next"');
    renderWithProviders(<ModerationLogScreen />, { instance: makeInstance() });
    await screen.findByRole("article", { name: /N° 2/ });
    route([entry({ id: "1", action: "rule_added", target: { type: "rule", id: "1", label: "Soyez courtois", local: true, anonymised: false } })]);
    await act(async () => screen.getByRole("button", { name: "Afficher les décisions plus anciennes" }).click());
    expect(await screen.findByRole("article", { name: /N° 1 Règle ajoutée/ })).toBeTruthy();
    expect(fetchMock.mock.calls.some(([u]) => String(u).includes("max_id=2"))).toBe(true);
  });

  it("in English", async () => {
    route([entry()]);
    renderWithProviders(<ModerationLogScreen />, { instance: makeInstance(), locale: "en" });
    expect(await screen.findByRole("article", { name: /No. 2 Instance blocked/ })).toBeTruthy();
    expect(screen.getByText("The moderation team")).toBeTruthy();
  });
});

describe("PrivacyScreen", () => {
  it("shows the sections the server generated, in the reader's language", async () => {
    fetchMock.mockResolvedValue(jsonResponse({ locale: "en", sections: [{ id: "controller", title: "Data controller", paragraphs: ["The commune of Testville is the controller."] }] }));
    renderWithProviders(<PrivacyScreen />, { locale: "en" });
    expect(await screen.findByRole("heading", { name: "Data controller" })).toBeTruthy();
    expect(screen.getByText("The commune of Testville is the controller.")).toBeTruthy();
    expect(String(fetchMock.mock.calls[0][0])).toContain("locale=en");
  });
});

describe("AdminInstanceScreen", () => {
  const admin = { ...makeAccount({ username: "maire" }), roles: [{ id: "3", name: "Admin", color: "", permissions: "0", highlighted: true }] } as unknown as CredentialAccount;
  const settings = {
    registration_mode: "open",
    federation_mode: "open",
    description: "",
    charter: "Article 1.",
    contact_email: "",
    trends_review: false,
    moderation_log_anonymise: true,
    data_controller: "",
    open_data_license: "ODbL-1.0",
    open_data_attribution: "",
  };

  it("refuses residents", () => {
    renderWithProviders(<AdminInstanceScreen />, { account: makeAccount() as CredentialAccount });
    expect(screen.getByText("Cet écran est réservé aux administrateurs.")).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("saves the charter, adds a rule and turns anonymisation off", async () => {
    fetchMock.mockImplementation(async (url, init) => {
      const u = String(url);
      if (u.startsWith("/api/parvis/admin/settings")) return jsonResponse(init?.method === "PATCH" ? { ...settings, ...JSON.parse(String(init.body)) } : settings);
      if (u.startsWith("/api/v1/instance/rules")) return jsonResponse([{ id: "1", text: "Soyez courtois", hint: "" }]);
      if (u.startsWith("/api/parvis/admin/rules")) return jsonResponse({ id: "2", ...JSON.parse(String(init?.body)) });
      throw new Error(u);
    });
    renderWithProviders(<AdminInstanceScreen />, { account: admin });
    const charter = await screen.findByLabelText("Texte de la charte");
    fireEvent.change(charter, { target: { value: "Article 1.\n\nArticle 2." } });
    await act(async () => within(charter.closest("form")!).getByRole("button", { name: "Enregistrer" }).click());
    fireEvent.change(screen.getByLabelText("Règle"), { target: { value: "Pas de spam" } });
    await act(async () => screen.getByRole("button", { name: "Ajouter la règle" }).click());
    expect(await screen.findByText("Pas de spam")).toBeTruthy();
    const anonymise = screen.getByLabelText("Anonymiser les habitant·es dans le journal de modération");
    fireEvent.click(anonymise);
    await act(async () => within(anonymise.closest("form")!).getByRole("button", { name: "Enregistrer" }).click());
    const bodies = fetchMock.mock.calls.filter(([, i]) => i?.method === "PATCH" || i?.method === "POST").map(([u, i]) => [String(u), JSON.parse(String(i?.body))]);
    expect(bodies).toEqual([
      ["/api/parvis/admin/settings", { charter: "Article 1.\n\nArticle 2." }],
      ["/api/parvis/admin/rules", { text: "Pas de spam", hint: "" }],
      ["/api/parvis/admin/settings", { moderation_log_anonymise: false, data_controller: "", contact_email: "" }],
    ]);
  });
});
