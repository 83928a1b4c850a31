import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/http";
import { jsonResponse, renderWithProviders } from "../testing/fixtures";
import { LoginScreen, loginErrorKey } from "./Login";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("login errors", () => {
  it("tells a pending account apart from a wrong password", () => {
    expect(loginErrorKey(new ApiError(403, "Your account is pending approval"))).toBe("login.pending");
    expect(loginErrorKey(new ApiError(401, "Invalid username or password"))).toBe("login.invalid");
    expect(loginErrorKey(new ApiError(429, "Too many requests"))).toBe("errors.rateLimited");
  });

  it("shows the pending message kindly", async () => {
    fetchMock.mockResolvedValue(jsonResponse({ error: "Your account is pending approval" }, { status: 403 }));
    renderWithProviders(<LoginScreen params={{}} search={new URLSearchParams()} />);
    fireEvent.change(screen.getByLabelText("Nom d’utilisateur ou adresse e-mail"), { target: { value: "marie" } });
    fireEvent.change(screen.getByLabelText("Mot de passe"), { target: { value: "secret secret" } });
    await act(async () => screen.getByRole("button", { name: "Se connecter" }).click());
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/en attente de validation/);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/parvis/web/session");
    expect(JSON.parse(String(init?.body))).toEqual({ username: "marie", password: "secret secret" });
  });
});
