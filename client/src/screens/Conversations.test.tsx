import { act, cleanup, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { ConversationsScreen } from "./Conversations";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const bob = makeAccount({ username: "bob", display_name: "Bob" });
const me = makeAccount({ username: "moi" }) as never;

describe("ConversationsScreen", () => {
  it("lists conversations, marks an unread one read and removes another", async () => {
    const calls: string[] = [];
    fetchMock.mockImplementation(async (url, init) => {
      calls.push(`${init?.method ?? "GET"} ${String(url).split("?")[0]}`);
      if (init?.method === "POST") return jsonResponse({ id: "1", unread: false, accounts: [bob], last_status: makeStatus({ account: bob, content: "<p>Salut</p>" }) });
      if (init?.method === "DELETE") return jsonResponse({});
      return jsonResponse([
        { id: "1", unread: true, accounts: [bob], last_status: makeStatus({ account: bob, visibility: "direct", content: "<p>Salut</p>" }) },
        { id: "2", unread: false, accounts: [], last_status: null },
      ]);
    });
    renderWithProviders(<ConversationsScreen />, { account: me });
    expect(await screen.findByText("Salut")).toBeTruthy();
    expect(screen.getByText("Non lu")).toBeTruthy();
    await act(async () => screen.getByRole("button", { name: "Marquer comme lu" }).click());
    expect(screen.queryByText("Non lu")).toBeNull();
    await act(async () => screen.getByRole("button", { name: "Retirer la conversation avec vous-même" }).click());
    expect(screen.queryByText("Avec vous-même")).toBeNull();
    expect(calls).toEqual(["GET /api/v1/conversations", "POST /api/v1/conversations/1/read", "DELETE /api/v1/conversations/2"]);
  });

  it("says when there are none", async () => {
    fetchMock.mockResolvedValue(jsonResponse([]));
    renderWithProviders(<ConversationsScreen />, { account: me });
    expect(await screen.findByText("Aucun message privé.")).toBeTruthy();
  });
});
