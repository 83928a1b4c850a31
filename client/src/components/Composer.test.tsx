import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialAccount } from "../api/types";
import { countCharacters } from "../lib/format";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { Composer, completionAt } from "./Composer";

const fetchMock = vi.fn<typeof fetch>();
const me = makeAccount({ id: "1", username: "alice", display_name: "Alice" }) as CredentialAccount;

beforeEach(() => {
  fetchMock.mockReset();
  fetchMock.mockImplementation(async () => jsonResponse(makeStatus({ account: me })));
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const textbox = () => screen.getByLabelText("Que voulez-vous partager ?") as HTMLTextAreaElement;
const counter = () => screen.getByTestId("char-count").textContent ?? "";
const submitButton = () => screen.getByRole("button", { name: "Publier" }) as HTMLButtonElement;

describe("Composer", () => {
  it("counts the characters left against the instance limit", () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 20 });
    expect(counter()).toBe("20 caractères restants");
    fireEvent.change(textbox(), { target: { value: "Bonjour" } });
    expect(counter()).toBe("13 caractères restants");
    expect(submitButton().disabled).toBe(false);
  });

  it("refuses to post over the limit and says by how much", () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 10 });
    fireEvent.change(textbox(), { target: { value: "Bonjour à tous !" } });
    expect(counter()).toBe("6 caractères en trop");
    expect(textbox().getAttribute("aria-invalid")).toBe("true");
    expect(submitButton().disabled).toBe(true);
  });

  it("counts a link as 23 characters and a remote mention by its local part", () => {
    expect(countCharacters("https://example.org/a/very/long/path/that/goes/on/and/on")).toBe(23);
    expect(countCharacters("@marie@autre-commune.fr salut")).toBe("@marie salut".length);
    expect(countCharacters("🎉")).toBe(1);
  });

  it("shows the content warning field when toggled, and counts it", async () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 100 });
    const toggle = screen.getByRole("button", { name: "Avertissement de contenu" });
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    expect(screen.queryByLabelText("Avertissement (visible avant le message)")).toBeNull();
    await act(async () => toggle.click());
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    const cw = screen.getByLabelText("Avertissement (visible avant le message)");
    fireEvent.change(cw, { target: { value: "Travaux" } });
    expect(counter()).toBe("93 caractères restants");
    await act(async () => toggle.click());
    expect(screen.queryByLabelText("Avertissement (visible avant le message)")).toBeNull();
  });

  it("posts with the chosen visibility and content warning", async () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 500 });
    fireEvent.change(textbox(), { target: { value: "Réunion publique jeudi" } });
    fireEvent.change(screen.getByLabelText("Visibilité"), { target: { value: "private" } });
    await act(async () => screen.getByRole("button", { name: "Avertissement de contenu" }).click());
    fireEvent.change(screen.getByLabelText("Avertissement (visible avant le message)"), { target: { value: "Politique" } });
    await act(async () => submitButton().click());
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/v1/statuses");
    const body = JSON.parse(String(init?.body));
    expect(body).toMatchObject({ status: "Réunion publique jeudi", visibility: "private", spoiler_text: "Politique", sensitive: true, language: "fr" });
    expect((init?.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
    await waitFor(() => expect(textbox().value).toBe(""));
  });

  it("turns attaching off while a poll is on, as a poll goes without media", async () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 100 });
    const attach = () => screen.getByRole("button", { name: "Ajouter des images ou un PDF" }) as HTMLButtonElement;
    expect(attach().disabled).toBe(false);
    await act(async () => screen.getByRole("button", { name: "Sondage" }).click());
    expect(attach().disabled).toBe(true);
    await act(async () => screen.getByRole("button", { name: "Sondage" }).click());
    expect(attach().disabled).toBe(false);
  });

  it("offers the four visibilities", () => {
    renderWithProviders(<Composer />, { account: me });
    const options = [...(screen.getByLabelText("Visibilité") as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(["public", "unlisted", "private", "direct"]);
  });

  it("in reply mode, mentions the author and keeps the thread's privacy", () => {
    const bob = makeAccount({ username: "bob", acct: "bob@autre-commune.fr", display_name: "Bob" });
    const parent = makeStatus({ account: bob, visibility: "private", spoiler_text: "Santé" });
    renderWithProviders(<Composer replyTo={parent} />, { account: me });
    expect((screen.getByLabelText("Votre réponse") as HTMLTextAreaElement).value).toBe("@bob@autre-commune.fr ");
    expect((screen.getByLabelText("Visibilité") as HTMLSelectElement).value).toBe("private");
    expect((screen.getByLabelText("Avertissement (visible avant le message)") as HTMLInputElement).value).toBe("Santé");
    expect(screen.getByRole("button", { name: "Répondre" })).toBeTruthy();
  });

  it("suggests accounts for an @mention and inserts the chosen one", async () => {
    fetchMock.mockImplementation(async (input) =>
      String(input).startsWith("/api/v1/accounts/search")
        ? jsonResponse([makeAccount({ id: "5", username: "marie", acct: "marie@autre-commune.fr", display_name: "Marie" })])
        : jsonResponse({}),
    );
    renderWithProviders(<Composer />, { account: me });
    const area = textbox();
    area.focus();
    fireEvent.change(area, { target: { value: "Merci @mar", selectionStart: 10, selectionEnd: 10 } });
    const option = await screen.findByRole("option", { name: /@marie@autre-commune\.fr/ });
    expect(decodeURIComponent(String(fetchMock.mock.calls[0][0]))).toContain("q=mar");
    expect(area.getAttribute("aria-activedescendant")).toBe(option.id);
    fireEvent.keyDown(area, { key: "Enter" });
    expect(area.value).toBe("Merci @marie@autre-commune.fr ");
  });
});

describe("completionAt", () => {
  it("finds the mention or hashtag being typed", () => {
    expect(completionAt("Salut @ali", 10)).toEqual({ start: 6, end: 10, kind: "@", query: "ali" });
    expect(completionAt("Vive le #marché", 15)).toEqual({ start: 8, end: 15, kind: "#", query: "marché" });
    expect(completionAt("écrire à alice@example.org", 26)).toBeNull();
    expect(completionAt("Salut @ali et", 13)).toBeNull();
  });
});
