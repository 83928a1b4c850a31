import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialAccount } from "../api/types";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { ReportDialog } from "./ReportDialog";
import { Status } from "./Status";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = { ...makeAccount({ id: "1", username: "moi" }), source: { note: "", fields: [], privacy: "public", sensitive: false, language: "fr" } } as CredentialAccount;
const bob = makeAccount({ id: "2", username: "bob", display_name: "Bob" });
const irene = makeAccount({ id: "3", username: "irene", acct: "irene@voisins.example", display_name: "Irène" });

function routes(table: Record<string, (init?: RequestInit) => Response>) {
  fetchMock.mockImplementation(async (input, init) => {
    const key = `${init?.method ?? "GET"} ${String(input).split("?")[0]}`;
    const handler = table[key];
    if (!handler) return jsonResponse({ error: `unexpected ${key}` }, { status: 404 });
    return handler(init);
  });
}

const posted = () => JSON.parse(String(fetchMock.mock.calls.find(([, init]) => init?.method === "POST")![1]?.body));

describe("ReportDialog", () => {
  it("reports a post for a charter rule, with the post ticked and a comment", async () => {
    const post = makeStatus({ id: "50", account: bob, content: "<p>Insulte</p>" });
    routes({
      "GET /api/v1/instance/rules": () => jsonResponse([{ id: "7", text: "Pas d’insultes" }]),
      "GET /api/v1/accounts/2/statuses": () => jsonResponse([post, makeStatus({ id: "51", account: bob, content: "<p>Autre</p>" })]),
      "POST /api/v1/reports": () => jsonResponse({ id: "9" }),
    });
    const onClose = vi.fn();
    renderWithProviders(<ReportDialog open account={bob} status={post} onClose={onClose} />, { account: me });
    expect(screen.getByRole("heading", { name: "Signaler Bob" })).toBeTruthy();
    fireEvent.click(screen.getByLabelText("Ne respecte pas la charte"));
    fireEvent.click(await screen.findByLabelText("Pas d’insultes"));
    expect((screen.getByLabelText("Insulte") as HTMLInputElement).checked).toBe(true);
    expect((await screen.findByLabelText("Autre") as HTMLInputElement).checked).toBe(false);
    fireEvent.change(screen.getByLabelText("Commentaire (facultatif)"), { target: { value: " Injurieux " } });
    await act(async () => screen.getByRole("button", { name: "Envoyer le signalement" }).click());
    expect(posted()).toEqual({ account_id: "2", status_ids: ["50"], comment: "Injurieux", category: "violation", rule_ids: ["7"], forward: false });
    expect(onClose).toHaveBeenCalled();
  });

  it("asks for a rule before sending a charter violation", async () => {
    routes({ "GET /api/v1/instance/rules": () => jsonResponse([{ id: "7", text: "Respect" }]), "GET /api/v1/accounts/2/statuses": () => jsonResponse([]) });
    renderWithProviders(<ReportDialog open account={bob} onClose={() => undefined} />, { account: me });
    fireEvent.click(screen.getByLabelText("Ne respecte pas la charte"));
    await act(async () => screen.getByRole("button", { name: "Envoyer le signalement" }).click());
    expect((await screen.findByRole("alert")).textContent).toBe("Cochez au moins une règle de la charte.");
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === "POST")).toHaveLength(0);
  });

  it("offers to forward a report of a remote account to its server", async () => {
    routes({
      "GET /api/v1/instance/rules": () => jsonResponse([]),
      "GET /api/v1/accounts/3/statuses": () => jsonResponse([]),
      "POST /api/v1/reports": () => jsonResponse({ id: "9" }),
    });
    renderWithProviders(<ReportDialog open account={irene} onClose={() => undefined} />, { account: me });
    fireEvent.click(screen.getByLabelText("Transmettre aussi à voisins.example"));
    await act(async () => screen.getByRole("button", { name: "Envoyer le signalement" }).click());
    expect(posted()).toMatchObject({ account_id: "3", category: "spam", forward: true });
  });

  it("shows the server's refusal and keeps the dialog open", async () => {
    routes({
      "GET /api/v1/instance/rules": () => jsonResponse([]),
      "GET /api/v1/accounts/2/statuses": () => jsonResponse([]),
      "POST /api/v1/reports": () => jsonResponse({ error: "Validation failed: status_ids must be posts of the reported account" }, { status: 422 }),
    });
    const onClose = vi.fn();
    renderWithProviders(<ReportDialog open account={bob} onClose={onClose} />, { account: me });
    await act(async () => screen.getByRole("button", { name: "Envoyer le signalement" }).click());
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
  });

  it("is offered in the menu of someone else's post, not of one's own", async () => {
    routes({ "GET /api/v1/instance/rules": () => jsonResponse([]), "GET /api/v1/accounts/2/statuses": () => jsonResponse([]) });
    const { unmount } = renderWithProviders(<Status status={makeStatus({ account: bob })} />, { account: me });
    fireEvent.click(screen.getByRole("button", { name: "Plus d’actions" }));
    await act(async () => screen.getByRole("button", { name: "Signaler" }).click());
    expect(screen.getByRole("heading", { name: "Signaler Bob" })).toBeTruthy();
    unmount();
    renderWithProviders(<Status status={makeStatus({ account: me })} />, { account: me });
    fireEvent.click(screen.getByRole("button", { name: "Plus d’actions" }));
    expect(screen.queryByRole("button", { name: "Signaler" })).toBeNull();
  });
});
