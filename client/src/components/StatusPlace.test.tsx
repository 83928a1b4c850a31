import { act, cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { Status } from "./Status";

afterEach(cleanup);

const bob = makeAccount({ id: "2", username: "bob", display_name: "Bob" });

describe("a status's place", () => {
  it("shows its name, linking to the map centred on it", () => {
    const status = makeStatus({ account: bob, parvis_place: { latitude: 45.1885, longitude: 5.7245, name: "Place de la Mairie" } });
    renderWithProviders(<Status status={status} />);
    const link = screen.getByRole("link", { name: "Place de la Mairie, voir sur la carte" });
    expect(link.getAttribute("href")).toBe("/map?lat=45.1885&lon=5.7245&zoom=17");
    expect(link.textContent).toBe("Place de la Mairie");
    expect(link.getAttribute("title")).toBe("45,1885° N, 5,7245° E");
  });

  it("without a name, shows its coordinates (in the reader's language)", () => {
    const status = makeStatus({ account: bob, parvis_place: { latitude: -12.5, longitude: -3.25, name: null } });
    renderWithProviders(<Status status={status} />, { locale: "en" });
    const link = screen.getByRole("link", { name: "12.5° S, 3.25° W, show on the map" });
    expect(link.getAttribute("href")).toBe("/map?lat=-12.5&lon=-3.25&zoom=17");
  });

  it("is hidden with the content behind a content warning, and absent when there is none", async () => {
    const hidden = makeStatus({ account: bob, spoiler_text: "Lieu", parvis_place: { latitude: 1, longitude: 2, name: "Chez moi" } });
    renderWithProviders(<Status status={hidden} />);
    expect(screen.queryByText("Chez moi")).toBeNull();
    await act(async () => screen.getByRole("button", { name: "Afficher le message" }).click());
    expect(screen.getByText("Chez moi")).toBeTruthy();
    cleanup();
    const { container } = renderWithProviders(<Status status={makeStatus({ account: bob, parvis_place: null })} />);
    expect(container.querySelector(".status-place")).toBeNull();
  });
});
