import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AdminAccount, AdminReport, CredentialAccount } from "../api/types";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { ModerationAccountScreen, ModerationQueueScreen, ReportScreen } from "./Moderation";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const source = { note: "", fields: [], privacy: "public", sensitive: false, language: "fr" };
const moderator = { ...makeAccount({ id: "1", username: "mod" }), roles: [{ id: "2", name: "Moderator" }], source } as unknown as CredentialAccount;
const resident = { ...makeAccount({ id: "5", username: "alice" }), source } as unknown as CredentialAccount;

function adminAccount(id: string, username: string, extra: Partial<AdminAccount> = {}): AdminAccount {
  return {
    id,
    username,
    domain: null,
    created_at: "2026-01-01T10:00:00.000Z",
    email: null,
    role: { id: "-99", name: "resident" },
    approved: true,
    disabled: false,
    silenced: false,
    suspended: false,
    sensitized: false,
    account: makeAccount({ id, username, display_name: username }),
    ...extra,
  };
}

const bob = adminAccount("2", "bob");
const alice = adminAccount("5", "alice");
const post = makeStatus({ id: "40", account: bob.account, content: "<p>Message injurieux</p>" });
const report: AdminReport = {
  id: "30",
  action_taken: false,
  action_taken_at: null,
  category: "violation",
  comment: "Pas correct",
  forwarded: false,
  created_at: new Date().toISOString(),
  account: alice,
  target_account: bob,
  assigned_account: null,
  action_taken_by_account: null,
  statuses: [post],
  rules: [{ id: "7", text: "Pas d’insultes" }],
};

function routes(table: Record<string, (init?: RequestInit, url?: string) => Response>) {
  fetchMock.mockImplementation(async (input, init) => {
    const url = String(input);
    const key = `${init?.method ?? "GET"} ${url.split("?")[0]}`;
    const handler = table[key];
    if (!handler) return jsonResponse({ error: `unexpected ${key}` }, { status: 404 });
    return handler(init, url);
  });
}

const bodyOf = (method: string, path: string) => {
  const call = fetchMock.mock.calls.find(([input, init]) => init?.method === method && String(input).startsWith(path));
  return call ? JSON.parse(String(call[1]?.body ?? "{}")) : undefined;
};

describe("ModerationQueueScreen", () => {
  it("lists open reports and switches to resolved ones", async () => {
    routes({ "GET /api/v1/admin/reports": (_i, url) => jsonResponse(url?.includes("resolved=true") ? [] : [report]) });
    renderWithProviders(<ModerationQueueScreen />, { account: moderator });
    expect(await screen.findByRole("link", { name: "Signalement de @bob" })).toBeTruthy();
    expect(screen.getByText("Pas correct")).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByLabelText("Traités")));
    expect(await screen.findByText("Aucun signalement traité.")).toBeTruthy();
  });

  it("is closed to residents, without asking the server", () => {
    renderWithProviders(<ModerationQueueScreen />, { account: resident });
    expect(screen.getByText("Cet écran est réservé à l’équipe de modération.")).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("ReportScreen", () => {
  it("shows the reported post and rule, and suspends the account with the report's rule and a reason", async () => {
    routes({
      "GET /api/v1/admin/reports/30": () => jsonResponse(report),
      "GET /api/parvis/admin/reports/30/notes": () => jsonResponse([]),
      "GET /api/v1/instance/rules": () => jsonResponse([{ id: "7", text: "Pas d’insultes" }]),
      "POST /api/v1/admin/accounts/2/action": () => jsonResponse({}),
    });
    renderWithProviders(<ReportScreen params={{ id: "30" }} search={new URLSearchParams()} />, { account: moderator });
    expect(await screen.findByText("Message injurieux")).toBeTruthy();
    expect(screen.getAllByText("Pas d’insultes").length).toBeGreaterThan(0);
    await act(async () => screen.getByRole("button", { name: "Prendre une mesure" }).click());
    const dialog = screen.getByRole("dialog");
    fireEvent.click(within(dialog).getByLabelText("Suspendre"));
    expect((await within(dialog).findByLabelText("Pas d’insultes") as HTMLInputElement).checked).toBe(true);
    fireEvent.change(within(dialog).getByLabelText("Motif (inscrit à l’historique)"), { target: { value: "Insultes répétées" } });
    await act(async () => within(dialog).getByRole("button", { name: "Appliquer la mesure" }).click());
    expect(bodyOf("POST", "/api/v1/admin/accounts/2/action")).toEqual({ type: "suspend", text: "Insultes répétées", rule_ids: ["7"], report_id: "30" });
  });

  it("adds a staff note to the report", async () => {
    routes({
      "GET /api/v1/admin/reports/30": () => jsonResponse(report),
      "GET /api/parvis/admin/reports/30/notes": () => jsonResponse([]),
      "POST /api/parvis/admin/reports/30/notes": (init) =>
        jsonResponse({ id: "90", content: JSON.parse(String(init?.body)).content, created_at: new Date().toISOString(), account: adminAccount("1", "mod") }),
    });
    renderWithProviders(<ReportScreen params={{ id: "30" }} search={new URLSearchParams()} />, { account: moderator });
    fireEvent.change(await screen.findByLabelText("Nouvelle note"), { target: { value: "Je contacte Bob" } });
    await act(async () => screen.getByRole("button", { name: "Ajouter la note" }).click());
    expect(await screen.findByText("Je contacte Bob")).toBeTruthy();
  });
});

describe("ModerationAccountScreen", () => {
  it("shows the account's state and history, and lifts a suspension", async () => {
    const suspended = { ...bob, suspended: true };
    routes({
      "GET /api/v1/admin/accounts/2": () => jsonResponse(suspended),
      "GET /api/parvis/admin/accounts/2/actions": () =>
        jsonResponse([{ id: "60", action: "suspend", text: "Menaces", report_id: null, rule_ids: [], by_account_id: "1", created_at: new Date().toISOString() }]),
      "GET /api/v1/admin/reports": () => jsonResponse([report]),
      "GET /api/parvis/admin/accounts/2/notes": () => jsonResponse([]),
      "POST /api/v1/admin/accounts/2/unsuspend": () => jsonResponse(bob),
    });
    renderWithProviders(<ModerationAccountScreen params={{ id: "2" }} search={new URLSearchParams()} />, { account: moderator });
    expect(await screen.findByText("Suspendu")).toBeTruthy();
    expect(screen.getByText("Menaces")).toBeTruthy();
    await act(async () => screen.getByRole("button", { name: "Lever la suspension" }).click());
    expect(await screen.findByText("Aucune mesure en cours.")).toBeTruthy();
    expect(fetchMock.mock.calls.some(([input, init]) => init?.method === "POST" && String(input) === "/api/v1/admin/accounts/2/unsuspend")).toBe(true);
  });
});
