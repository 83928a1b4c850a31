import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Filter } from "../api/types";
import { Status } from "../components/Status";
import { jsonResponse, makeStatus, renderWithProviders } from "../testing/fixtures";
import { FiltersScreen, parseKeywords } from "./Filters";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const filter: Filter = {
  id: "3",
  title: "Travaux",
  context: ["home", "public"],
  expires_at: null,
  filter_action: "warn",
  keywords: [{ id: "1", keyword: "travaux", whole_word: true }],
  statuses: [],
};

describe("FiltersScreen", () => {
  it("splits keywords on commas and new lines, without blanks or repeats", () => {
    expect(parseKeywords(" travaux, chantier,\nbruit,, travaux ")).toEqual(["travaux", "chantier", "bruit"]);
  });

  it("lists filters and creates one with keywords, contexts, action and expiry", async () => {
    fetchMock.mockImplementation(async (url, init) => {
      if (init?.method === "POST") return jsonResponse({ ...filter, id: "4", title: "Bruit", filter_action: "hide", keywords: [{ id: "9", keyword: "bruit", whole_word: false }] });
      return jsonResponse([filter]);
    });
    renderWithProviders(<FiltersScreen />);
    expect(await screen.findByRole("heading", { name: "Travaux" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Nom du filtre"), { target: { value: "Bruit" } });
    fireEvent.change(screen.getByLabelText("Mots à filtrer"), { target: { value: "bruit, tapage" } });
    fireEvent.click(screen.getByLabelText("Mot entier seulement"));
    fireEvent.click(screen.getByLabelText("Conversations"));
    fireEvent.click(screen.getByLabelText("Les cacher complètement"));
    fireEvent.change(screen.getByLabelText("Durée"), { target: { value: "86400" } });
    await act(async () => screen.getByRole("button", { name: "Créer le filtre" }).click());
    expect(await screen.findByRole("heading", { name: "Bruit" })).toBeTruthy();
    const [, init] = fetchMock.mock.calls.find(([, i]) => i?.method === "POST")!;
    expect(JSON.parse(String(init?.body))).toEqual({
      title: "Bruit",
      context: ["home", "notifications", "public"],
      filter_action: "hide",
      expires_in: 86400,
      keywords_attributes: [
        { keyword: "bruit", whole_word: false },
        { keyword: "tapage", whole_word: false },
      ],
    });
  });

  it("asks for a word before creating", async () => {
    fetchMock.mockImplementation(async () => jsonResponse([]));
    renderWithProviders(<FiltersScreen />);
    await screen.findByText("Aucun filtre.");
    fireEvent.change(screen.getByLabelText("Nom du filtre"), { target: { value: "Rien" } });
    await act(async () => screen.getByRole("button", { name: "Créer le filtre" }).click());
    expect((await screen.findByRole("alert")).textContent).toBe("Indiquez au moins un mot à filtrer.");
    expect(fetchMock.mock.calls.filter(([, i]) => i?.method === "POST")).toHaveLength(0);
  });
});

describe("a status matched by a warn filter", () => {
  it("is hidden behind a notice naming the filter until revealed", async () => {
    const status = makeStatus({ content: "<p>Les travaux rue Haute</p>", filtered: [{ filter, keyword_matches: ["travaux"], status_matches: null }] });
    renderWithProviders(<Status status={status} />);
    expect(screen.getByText("Message filtré : Travaux")).toBeTruthy();
    expect(screen.queryByText("Les travaux rue Haute")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Afficher quand même" }));
    expect(screen.getByText("Les travaux rue Haute")).toBeTruthy();
  });

  it("a hide result alone does not hide it (the server already left hidden posts out)", () => {
    const status = makeStatus({ content: "<p>Visible</p>", filtered: [{ filter: { ...filter, filter_action: "hide" }, keyword_matches: null, status_matches: ["1"] }] });
    renderWithProviders(<Status status={status} />);
    expect(screen.getByText("Visible")).toBeTruthy();
  });
});
