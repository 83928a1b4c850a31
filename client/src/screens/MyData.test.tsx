import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, renderWithProviders } from "../testing/fixtures";
import { LoginScreen, pendingDeletion } from "./Login";
import { MyDataScreen } from "./MyData";
import { ApiError } from "../api/http";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const ready = {
  id: "7",
  state: "ready",
  step: "media",
  progress: { done: 12, total: 12 },
  size: 5 * 1024 * 1024,
  created_at: "2026-12-01T10:00:00.000Z",
  finished_at: "2026-12-01T10:01:00.000Z",
  expires_at: "2026-12-08T10:01:00.000Z",
  download_url: "/api/parvis/account/export/file",
  error: null,
};
const finishedImport = { id: "9", type: "following", mode: "merge", state: "ready", total: 3, processed: 3, failed: 1, created_at: "2026-12-01T10:00:00.000Z", finished_at: "2026-12-01T10:00:05.000Z" };

function routes(overrides: Record<string, (init?: RequestInit) => Response> = {}) {
  fetchMock.mockImplementation(async (input, init) => {
    const url = String(input);
    const key = `${init?.method ?? "GET"} ${url.split("?")[0]}`;
    if (overrides[key]) return overrides[key](init);
    if (key === "GET /api/parvis/account/export") return jsonResponse({ state: "none" });
    if (key === "GET /api/parvis/account/imports") return jsonResponse([]);
    if (key === "GET /api/parvis/account/aliases") return jsonResponse([]);
    return jsonResponse({ error: "unexpected " + key }, { status: 500 });
  });
}

describe("Mes données", () => {
  // waits for one real poll (POLL_MS): generous timeouts for a busy machine
  it("asks for an archive, follows its progress and offers the download when ready", { timeout: 20_000 }, async () => {
    let state: unknown = { state: "none" };
    routes({
      "GET /api/parvis/account/export": () => jsonResponse(state),
      "POST /api/parvis/account/export": () => {
        state = { ...ready, state: "running", step: "statuses", progress: { done: 3, total: 12 }, download_url: null, finished_at: null, expires_at: null };
        return jsonResponse(state, { status: 202 });
      },
    });
    renderWithProviders(<MyDataScreen />);
    const ask = await screen.findByRole("button", { name: "Préparer une nouvelle archive" });
    await act(async () => ask.click());
    const bar = await screen.findByRole("progressbar", { name: "Avancement de l’archive" }, { timeout: 5000 });
    expect(bar.getAttribute("value")).toBe("25");
    expect(screen.getByText("Préparation de vos messages…")).toBeTruthy();
    // the job finishes: the next poll shows the download link
    state = ready;
    const link = await screen.findByRole("link", { name: "Télécharger l’archive (environ 5 Mo)" }, { timeout: 10_000 });
    expect(link.getAttribute("href")).toBe("/api/parvis/account/export/file");
    expect(screen.queryByRole("progressbar")).toBeNull();
  });

  it("says when an archive was already made today", async () => {
    routes({ "POST /api/parvis/account/export": () => jsonResponse({ error: "An archive was already made today" }, { status: 429 }) });
    renderWithProviders(<MyDataScreen />);
    const ask = await screen.findByRole("button", { name: "Préparer une nouvelle archive" });
    await act(async () => ask.click());
    expect((await screen.findByRole("alert")).textContent).toMatch(/déjà été préparée aujourd’hui/);
  });

  it("sends a CSV import with its type and mode, and shows the failed lines with their reason", async () => {
    let sent: FormData | null = null;
    routes({
      "POST /api/parvis/account/import": (init) => {
        sent = init?.body as FormData;
        return jsonResponse({ ...finishedImport, state: "queued", processed: 0, failed: 0 }, { status: 202 });
      },
      "GET /api/parvis/account/imports": () => jsonResponse([finishedImport]),
      "GET /api/parvis/account/import/9": () => jsonResponse({ ...finishedImport, lines: [{ line: 3, target: "pas une adresse", state: "error", error: "invalid" }] }),
    });
    renderWithProviders(<MyDataScreen />);
    expect(await screen.findByText("Terminé : 3 lignes, dont 1 en échec.")).toBeTruthy();
    const summary = await screen.findByText("Voir la ligne en échec");
    expect(within(summary.closest("details")!).getByText(/illisible/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Ce que contient le fichier"), { target: { value: "blocks" } });
    fireEvent.click(screen.getByLabelText("Remplacer ce que j’ai déjà par le contenu du fichier"));
    // no file yet: said so, nothing sent
    await act(async () => screen.getByRole("button", { name: "Importer" }).click());
    expect((await screen.findByRole("alert")).textContent).toBe("Choisissez un fichier CSV.");
    const file = new File(["bob@example.org\n"], "blocked_accounts.csv", { type: "text/csv" });
    fireEvent.change(screen.getByLabelText("Fichier CSV"), { target: { files: [file] } });
    await act(async () => screen.getByRole("button", { name: "Importer" }).click());
    expect(sent).not.toBeNull();
    expect(sent!.get("type")).toBe("blocks");
    expect(sent!.get("mode")).toBe("overwrite");
    expect((sent!.get("data") as File).name).toBe("blocked_accounts.csv");
  });

  it("adds and removes an alias", async () => {
    const zoe = { uri: "https://ailleurs.example/users/zoe", acct: "zoe@ailleurs.example" };
    routes({
      "POST /api/parvis/account/aliases": (init) => {
        expect(JSON.parse(String(init?.body))).toEqual({ acct: "zoe@ailleurs.example" });
        return jsonResponse([zoe]);
      },
      "DELETE /api/parvis/account/aliases": (init) => {
        expect(JSON.parse(String(init?.body))).toEqual({ alias: zoe.uri });
        return jsonResponse([]);
      },
    });
    renderWithProviders(<MyDataScreen />);
    expect(await screen.findByText("Aucun alias déclaré.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Adresse de l’autre compte"), { target: { value: "pas-une-adresse" } });
    await act(async () => screen.getByRole("button", { name: "Ajouter l’alias" }).click());
    expect((await screen.findByRole("alert")).textContent).toMatch(/nom@serveur/);
    fireEvent.change(screen.getByLabelText("Adresse de l’autre compte"), { target: { value: "zoe@ailleurs.example" } });
    await act(async () => screen.getByRole("button", { name: "Ajouter l’alias" }).click());
    expect(await screen.findByText("zoe@ailleurs.example")).toBeTruthy();
    await act(async () => screen.getByRole("button", { name: "Retirer l’alias zoe@ailleurs.example" }).click());
    expect(await screen.findByText("Aucun alias déclaré.")).toBeTruthy();
  });

  it("moving asks for the new address, the password and a confirmation; a target without the alias is explained", async () => {
    const sent: unknown[] = [];
    let listsUs = false;
    routes({
      "POST /api/parvis/account/move": (init) => {
        sent.push(JSON.parse(String(init?.body)));
        if (!listsUs)
          return jsonResponse({ error: "The new account must list this one among its aliases (alsoKnownAs)", details: { target_acct: [{ error: "ERR_NOT_ALIAS", description: "" }] } }, { status: 422 });
        return jsonResponse({ id: "1", username: "marie", acct: "marie", moved: { id: "2", username: "marie", acct: "marie@ailleurs.example" } });
      },
    });
    renderWithProviders(<MyDataScreen />);
    const section = (await screen.findByRole("heading", { name: "Déménager mon compte" })).closest("section")!;
    const form = within(section).getByRole("group", { name: "Partir vers un autre compte" });
    fireEvent.change(within(form).getByLabelText("Adresse du nouveau compte"), { target: { value: "marie@ailleurs.example" } });
    await act(async () => within(form).getByRole("button", { name: "Déménager mon compte" }).click());
    expect(within(form).getByRole("alert").textContent).toMatch(/mot de passe/);
    fireEvent.change(within(form).getByLabelText("Mot de passe actuel"), { target: { value: "secret secret" } });
    await act(async () => within(form).getByRole("button", { name: "Déménager mon compte" }).click());
    expect(sent).toEqual([]);
    await act(async () => within(await screen.findByRole("dialog")).getByRole("button", { name: "Déménager mon compte" }).click());
    expect(sent).toEqual([{ target_acct: "marie@ailleurs.example", password: "secret secret" }]);
    expect((await within(form).findByRole("alert")).textContent).toMatch(/ajoutez-le là-bas d’abord/);
    // once the new account lists this one, the move goes through and says where to
    listsUs = true;
    fireEvent.change(within(form).getByLabelText("Mot de passe actuel"), { target: { value: "secret secret" } });
    await act(async () => within(form).getByRole("button", { name: "Déménager mon compte" }).click());
    await act(async () => within(await screen.findByRole("dialog")).getByRole("button", { name: "Déménager mon compte" }).click());
    expect((await within(form).findByRole("status")).textContent).toMatch(/a déménagé vers marie@ailleurs.example/);
  });

  it("deleting asks for the password and a confirmation before calling the server", async () => {
    let deleted = false;
    routes({
      "POST /api/parvis/account/delete": (init) => {
        expect(JSON.parse(String(init?.body))).toEqual({ password: "secret secret" });
        deleted = true;
        return jsonResponse({ deletion_due_at: "2027-01-01T10:00:00.000Z" });
      },
      "DELETE /api/parvis/web/session": () => jsonResponse({}),
    });
    renderWithProviders(<MyDataScreen />);
    const section = (await screen.findByRole("heading", { name: "Supprimer mon compte" })).closest("section")!;
    await act(async () => within(section).getByRole("button", { name: "Supprimer mon compte" }).click());
    expect(within(section).getByRole("alert").textContent).toMatch(/mot de passe/);
    fireEvent.change(within(section).getByLabelText("Mot de passe actuel"), { target: { value: "secret secret" } });
    await act(async () => within(section).getByRole("button", { name: "Supprimer mon compte" }).click());
    expect(deleted).toBe(false);
    const dialog = await screen.findByRole("dialog");
    await act(async () => within(dialog).getByRole("button", { name: "Supprimer mon compte" }).click());
    expect(deleted).toBe(true);
  });
});

describe("logging in to an account waiting for deletion", () => {
  it("recognises the server's answer", () => {
    const error = new ApiError(403, "scheduled", { account: [{ error: "ERR_DELETION_PENDING", description: "" }], deletion_due_at: [{ error: "2027-01-01T10:00:00.000Z", description: "" }] });
    expect(pendingDeletion(error)).toBe("2027-01-01T10:00:00.000Z");
    expect(pendingDeletion(new ApiError(403, "Your account is suspended"))).toBeNull();
  });

  it("offers to cancel, then cancels with the same credentials and logs in", async () => {
    const calls: string[] = [];
    let cancelled = false;
    fetchMock.mockImplementation(async (input, init) => {
      const key = `${init?.method} ${String(input)}`;
      calls.push(key);
      if (key === "POST /api/parvis/web/session" && !cancelled)
        return jsonResponse({ error: "scheduled", details: { account: [{ error: "ERR_DELETION_PENDING", description: "" }], deletion_due_at: [{ error: "2027-01-01T10:00:00.000Z" }] } }, { status: 403 });
      if (key === "POST /api/parvis/account/delete/cancel") {
        expect(JSON.parse(String(init?.body))).toEqual({ username: "marie", password: "secret secret" });
        cancelled = true;
        return jsonResponse({});
      }
      if (key === "POST /api/parvis/web/session") return jsonResponse({ account: { id: "1", username: "marie", acct: "marie" } });
      return jsonResponse({});
    });
    renderWithProviders(<LoginScreen params={{}} search={new URLSearchParams()} />);
    fireEvent.change(screen.getByLabelText("Nom d’utilisateur ou adresse e-mail"), { target: { value: "marie" } });
    fireEvent.change(screen.getByLabelText("Mot de passe"), { target: { value: "secret secret" } });
    await act(async () => screen.getByRole("button", { name: "Se connecter" }).click());
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/doit être supprimé le/);
    await act(async () => within(alert).getByRole("button", { name: "Annuler la suppression et me connecter" }).click());
    expect(calls).toEqual(["POST /api/parvis/web/session", "POST /api/parvis/account/delete/cancel", "POST /api/parvis/web/session"]);
  });
});
