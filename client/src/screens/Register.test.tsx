import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, makeInstance, renderWithProviders } from "../testing/fixtures";
import { RegisterScreen } from "./Register";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function fill(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("RegisterScreen", () => {
  it("hides the form and gives the reason when registrations are closed", () => {
    renderWithProviders(<RegisterScreen />, {
      instance: makeInstance({ registrations: { enabled: false, approval_required: false, message: "Réservé aux habitants : passez en mairie." } }),
    });
    expect(screen.getByText("Les inscriptions sont fermées pour le moment.")).toBeTruthy();
    expect(screen.getByText("Réservé aux habitants : passez en mairie.")).toBeTruthy();
    expect(screen.queryByLabelText("Nom d’utilisateur")).toBeNull();
  });

  it("shows the rules and the approval mode, and asks why", () => {
    renderWithProviders(<RegisterScreen />, { instance: makeInstance({ registrations: { enabled: true, approval_required: true } }) });
    expect(screen.getByText("Soyez courtois")).toBeTruthy();
    expect(screen.getByText(/soumises à validation/)).toBeTruthy();
    expect(screen.getByLabelText("Pourquoi souhaitez-vous rejoindre la communauté ?")).toBeTruthy();
  });

  it("refuses to send without the agreement and says why", async () => {
    renderWithProviders(<RegisterScreen />, { instance: makeInstance() });
    fill("Nom d’utilisateur", "marie");
    fill("Mot de passe", "correct horse");
    fill("Confirmez le mot de passe", "correct horse");
    await act(async () => screen.getByRole("button", { name: "Créer mon compte" }).click());
    expect(screen.getByText("Vous devez accepter les règles pour vous inscrire.")).toBeTruthy();
    expect(screen.getByRole("checkbox").getAttribute("aria-invalid")).toBe("true");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("registers with the chosen locale, then opens a session; a pending account is told so", async () => {
    fetchMock.mockImplementation(async (input) =>
      String(input) === "/api/v1/accounts"
        ? jsonResponse({ access_token: "x", token_type: "Bearer" })
        : jsonResponse({ error: "Your account is pending approval" }, { status: 403 }),
    );
    renderWithProviders(<RegisterScreen />, { instance: makeInstance({ registrations: { enabled: true, approval_required: true } }) });
    fill("Nom d’utilisateur", "marie");
    fill("Mot de passe", "correct horse");
    fill("Confirmez le mot de passe", "correct horse");
    fill("Langue", "en");
    fill("Pourquoi souhaitez-vous rejoindre la communauté ?", "J’habite rue Haute");
    fireEvent.click(screen.getByRole("checkbox"));
    await act(async () => screen.getByRole("button", { name: "Créer mon compte" }).click());
    await waitFor(() => expect(screen.getByText("Demande envoyée")).toBeTruthy());
    const [registerUrl, registerInit] = fetchMock.mock.calls[0];
    expect(registerUrl).toBe("/api/v1/accounts");
    expect(JSON.parse(String(registerInit?.body))).toEqual({
      username: "marie",
      password: "correct horse",
      agreement: true,
      locale: "en",
      reason: "J’habite rue Haute",
    });
    expect(fetchMock.mock.calls[1][0]).toBe("/api/parvis/web/session");
  });

  it("puts a server validation error next to its field", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse({ error: "Validation failed", details: { username: [{ error: "ERR_TAKEN", description: "Ce nom est déjà pris" }] } }, { status: 422 }),
    );
    renderWithProviders(<RegisterScreen />, { instance: makeInstance() });
    fill("Nom d’utilisateur", "marie");
    fill("Mot de passe", "correct horse");
    fill("Confirmez le mot de passe", "correct horse");
    fireEvent.click(screen.getByRole("checkbox"));
    await act(async () => screen.getByRole("button", { name: "Créer mon compte" }).click());
    await screen.findByText("Ce nom est déjà pris");
    expect(screen.getByLabelText("Nom d’utilisateur").getAttribute("aria-invalid")).toBe("true");
  });
});
