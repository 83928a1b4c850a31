import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { List } from "../api/types";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { ListScreen, ListsScreen } from "./Lists";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = makeAccount({ username: "moi" });
const bob = makeAccount({ id: "77", username: "bob", display_name: "Bob" });
const list: List = { id: "5", title: "Quartier", replies_policy: "list", exclusive: false };

function routes(table: Record<string, (init?: RequestInit) => Response>) {
  fetchMock.mockImplementation(async (input, init) => {
    const url = String(input);
    const key = `${init?.method ?? "GET"} ${url.split("?")[0]}`;
    const handler = table[key];
    if (!handler) return jsonResponse({ error: `unexpected ${key}` }, { status: 404 });
    return handler(init);
  });
}

describe("ListsScreen", () => {
  it("lists the resident's lists and creates a new one with its options", async () => {
    routes({
      "GET /api/v1/lists": () => jsonResponse([list]),
      "POST /api/v1/lists": (init) => jsonResponse({ id: "6", ...JSON.parse(String(init?.body)) }),
    });
    renderWithProviders(<ListsScreen />, { account: { ...me, source: { note: "", fields: [], privacy: "public", sensitive: false, language: "fr" } } as never });
    expect(await screen.findByRole("link", { name: "Quartier" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Nom de la liste"), { target: { value: "École" } });
    fireEvent.change(screen.getByLabelText("Réponses affichées"), { target: { value: "none" } });
    fireEvent.click(screen.getByLabelText("Liste exclusive"));
    await act(async () => screen.getByRole("button", { name: "Créer la liste" }).click());
    expect(await screen.findByRole("link", { name: "École" })).toBeTruthy();
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST")!;
    expect(JSON.parse(String(post[1]?.body))).toEqual({ title: "École", replies_policy: "none", exclusive: true });
  });

  it("refuses an empty name without calling the server", async () => {
    routes({ "GET /api/v1/lists": () => jsonResponse([]) });
    renderWithProviders(<ListsScreen />);
    await screen.findByText("Vous n’avez pas encore de liste.");
    await act(async () => screen.getByRole("button", { name: "Créer la liste" }).click());
    expect((await screen.findByRole("alert")).textContent).toBe("Donnez un nom à la liste.");
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === "POST")).toHaveLength(0);
  });
});

describe("ListScreen", () => {
  it("shows the list's timeline and members, adds a followed account and removes it", async () => {
    routes({
      "GET /api/v1/lists/5": () => jsonResponse(list),
      "GET /api/v1/lists/5/accounts": () => jsonResponse([]),
      "GET /api/v1/timelines/list/5": () => jsonResponse([makeStatus({ account: bob, content: "<p>Réunion jeudi</p>" })]),
      "GET /api/v1/accounts/lookup": () => jsonResponse(bob),
      "POST /api/v1/lists/5/accounts": () => jsonResponse({}),
      "DELETE /api/v1/lists/5/accounts": () => jsonResponse({}),
    });
    renderWithProviders(<ListScreen params={{ id: "5" }} search={new URLSearchParams()} />);
    expect(await screen.findByText("Réunion jeudi")).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Quartier");
    fireEvent.change(screen.getByLabelText("Ajouter un compte"), { target: { value: "@bob" } });
    await act(async () => screen.getByRole("button", { name: "Ajouter" }).click());
    const members = screen.getByRole("heading", { name: "Membres" }).closest("section")!;
    expect(await within(members).findByText("Bob")).toBeTruthy();
    const add = fetchMock.mock.calls.find(([url, init]) => String(url).endsWith("/lists/5/accounts") && init?.method === "POST")!;
    expect(JSON.parse(String(add[1]?.body))).toEqual({ account_ids: ["77"] });
    await act(async () => screen.getByRole("button", { name: "Retirer @bob de la liste" }).click());
    expect(within(members).queryByText("Bob")).toBeNull();
  });

  it("explains that only followed accounts can be added", async () => {
    routes({
      "GET /api/v1/lists/5": () => jsonResponse(list),
      "GET /api/v1/lists/5/accounts": () => jsonResponse([]),
      "GET /api/v1/timelines/list/5": () => jsonResponse([]),
      "GET /api/v1/accounts/lookup": () => jsonResponse(bob),
      "POST /api/v1/lists/5/accounts": () => jsonResponse({ error: "Validation failed: Account has not been followed" }, { status: 422 }),
    });
    renderWithProviders(<ListScreen params={{ id: "5" }} search={new URLSearchParams()} />);
    fireEvent.change(await screen.findByLabelText("Ajouter un compte"), { target: { value: "bob" } });
    await act(async () => screen.getByRole("button", { name: "Ajouter" }).click());
    expect((await screen.findByRole("alert")).textContent).toBe("Vous devez suivre ce compte pour l’ajouter à une liste.");
  });

  it("another resident's list shows as not found", async () => {
    routes({ "GET /api/v1/lists/9": () => jsonResponse({ error: "Record not found" }, { status: 404 }) });
    renderWithProviders(<ListScreen params={{ id: "9" }} search={new URLSearchParams()} />);
    expect((await screen.findByRole("alert")).textContent).toBeTruthy();
  });
});
