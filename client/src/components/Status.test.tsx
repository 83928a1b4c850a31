import { act, cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { CredentialAccount } from "../api/types";
import { makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { Status } from "./Status";

afterEach(cleanup);

const alice = makeAccount({ id: "1", username: "alice", display_name: "Alice" });
const bob = makeAccount({ id: "2", username: "bob", display_name: "Bob" });

describe("Status", () => {
  it("hides the content behind its content warning until asked", async () => {
    const status = makeStatus({ account: bob, spoiler_text: "Travaux rue Haute", content: "<p>La rue sera fermée lundi.</p>" });
    renderWithProviders(<Status status={status} />);
    expect(screen.getByText("Travaux rue Haute")).toBeTruthy();
    expect(screen.queryByText("La rue sera fermée lundi.")).toBeNull();
    const toggle = screen.getByRole("button", { name: "Afficher le message" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await act(async () => toggle.click());
    expect(screen.getByText("La rue sera fermée lundi.")).toBeTruthy();
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(toggle.textContent).toBe("Masquer le message");
  });

  it("shows content without a warning directly", () => {
    renderWithProviders(<Status status={makeStatus({ account: bob, content: "<p>Marché samedi</p>" })} />);
    expect(screen.getByText("Marché samedi")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Afficher le message" })).toBeNull();
  });

  it("labels a boost with who shared it and shows the original author", () => {
    const original = makeStatus({ account: bob, content: "<p>Fête du village</p>" });
    const boost = makeStatus({ account: alice, reblog: original, content: "" });
    renderWithProviders(<Status status={boost} />);
    expect(screen.getByText("Alice a partagé")).toBeTruthy();
    expect(screen.getByText("Bob")).toBeTruthy();
    expect(screen.getByText("Fête du village")).toBeTruthy();
  });

  it("labels the boost in English too", () => {
    const boost = makeStatus({ account: alice, reblog: makeStatus({ account: bob }) });
    renderWithProviders(<Status status={boost} />, { locale: "en" });
    expect(screen.getByText("Alice boosted")).toBeTruthy();
  });

  it("gives the visibility icon an accessible name", () => {
    renderWithProviders(<Status status={makeStatus({ account: bob, visibility: "private" })} />);
    expect(screen.getByRole("img", { name: "Abonnés uniquement" })).toBeTruthy();
  });

  it("shows pressed states and counts to a resident", () => {
    const status = makeStatus({ account: bob, favourited: true, favourites_count: 3, reblogs_count: 1200, replies_count: 2 });
    renderWithProviders(<Status status={status} />, { account: alice as CredentialAccount });
    const fav = screen.getByRole("button", { name: /Ajouter aux favoris/ });
    expect(fav.getAttribute("aria-pressed")).toBe("true");
    expect(fav.textContent).toContain("3");
    const boost = screen.getByRole("button", { name: /Partager/ });
    expect(boost.getAttribute("aria-pressed")).toBe("false");
    expect(boost.textContent).toMatch(/1\s200/u);
    expect(screen.getByRole("button", { name: /Répondre/ }).textContent).toContain("2");
  });

  it("offers edit and delete only on one's own posts, and reporting only on others'", () => {
    const { unmount } = renderWithProviders(<Status status={makeStatus({ account: alice })} />, { account: alice as CredentialAccount });
    expect(screen.getByRole("button", { name: "Modifier", hidden: true })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Signaler", hidden: true })).toBeNull();
    unmount();
    renderWithProviders(<Status status={makeStatus({ account: bob })} />, { account: alice as CredentialAccount });
    expect(screen.getByRole("button", { name: "Signaler", hidden: true })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Modifier", hidden: true })).toBeNull();
  });

  it("does not let anyone boost a followers-only post of someone else", () => {
    renderWithProviders(<Status status={makeStatus({ account: bob, visibility: "private" })} />, { account: alice as CredentialAccount });
    expect((screen.getByRole("button", { name: /Partager/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows counts but no buttons to a visitor", () => {
    renderWithProviders(<Status status={makeStatus({ account: bob, replies_count: 0, favourites_count: 2 })} />);
    expect(screen.queryByRole("button", { name: /Ajouter aux favoris/ })).toBeNull();
    expect(screen.getByText("Aucune réponse")).toBeTruthy();
    expect(screen.getByText("2 favoris")).toBeTruthy();
  });

  it("shows a relative date with the absolute one available", () => {
    renderWithProviders(<Status status={makeStatus({ account: bob, created_at: new Date(Date.now() - 5 * 60_000).toISOString() })} />);
    const time = document.querySelector("time");
    expect(time?.getAttribute("title")).toMatch(/\d{4}/);
    expect(time?.textContent).toMatch(/5\s*min/u);
  });
});
