import { act, cleanup, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { FollowedTagsScreen, FollowTagButton } from "./FollowedTags";
import { BookmarksScreen, FavouritesScreen } from "./Saved";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = makeAccount({ username: "moi" }) as never;

describe("BookmarksScreen", () => {
  it("shows bookmarked posts and pages with the bookmark cursor of the Link header", async () => {
    const statuses = Array.from({ length: 2 }, (_, i) => makeStatus({ id: String(500 - i), content: `<p>Gardé ${i}</p>` }));
    fetchMock
      .mockResolvedValueOnce(jsonResponse(statuses, { headers: { Link: '<http://localhost/api/v1/bookmarks?max_id=42>; rel="next", <http://localhost/api/v1/bookmarks?min_id=99>; rel="prev"' } }))
      .mockResolvedValueOnce(jsonResponse([makeStatus({ id: "7", content: "<p>Le plus ancien</p>" })]));
    renderWithProviders(<BookmarksScreen />, { account: me });
    expect(await screen.findByText("Gardé 0")).toBeTruthy();
    expect(String(fetchMock.mock.calls[0][0])).toMatch(/^\/api\/v1\/bookmarks\?limit=20$/);
    const more = await screen.findByRole("button", { name: "Charger plus" });
    await act(async () => more.click());
    expect(await screen.findByText("Le plus ancien")).toBeTruthy();
    // the cursor is the bookmark row id from the Link header, not the last status id
    expect(String(fetchMock.mock.calls[1][0])).toContain("max_id=42");
  });

  it("says when there are no bookmarks", async () => {
    fetchMock.mockResolvedValue(jsonResponse([]));
    renderWithProviders(<BookmarksScreen />, { account: me });
    expect(await screen.findByText(/Aucun signet pour l’instant/)).toBeTruthy();
  });
});

describe("FavouritesScreen", () => {
  it("reads /api/v1/favourites", async () => {
    fetchMock.mockResolvedValue(jsonResponse([makeStatus({ content: "<p>Aimé</p>" })]));
    renderWithProviders(<FavouritesScreen />, { account: me });
    expect(await screen.findByText("Aimé")).toBeTruthy();
    expect(String(fetchMock.mock.calls[0][0])).toMatch(/^\/api\/v1\/favourites\?/);
  });
});

describe("followed hashtags", () => {
  it("the follow button follows, then unfollows, the hashtag", async () => {
    const calls: string[] = [];
    fetchMock.mockImplementation(async (url, init) => {
      calls.push(`${init?.method ?? "GET"} ${String(url)}`);
      if (String(url).endsWith("/follow")) return jsonResponse({ name: "marche", url: "", following: true });
      if (String(url).endsWith("/unfollow")) return jsonResponse({ name: "marche", url: "", following: false });
      return jsonResponse({ error: "Record not found" }, { status: 404 });
    });
    renderWithProviders(<FollowTagButton tag="marche" />, { account: me });
    const followButton = await screen.findByRole("button", { name: "Suivre #marche" });
    await act(async () => followButton.click());
    const unfollowButton = await screen.findByRole("button", { name: "Ne plus suivre #marche" });
    await act(async () => unfollowButton.click());
    expect(calls).toEqual(["GET /api/v1/tags/marche", "POST /api/v1/tags/marche/follow", "POST /api/v1/tags/marche/unfollow"]);
    expect(await screen.findByRole("button", { name: "Suivre #marche" })).toBeTruthy();
  });

  it("a visitor sees no follow button", () => {
    renderWithProviders(<FollowTagButton tag="marche" />);
    expect(screen.queryByRole("button")).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("the followed hashtags screen lists them and unfollows one", async () => {
    fetchMock
      .mockResolvedValueOnce(jsonResponse([{ name: "marche", url: "", following: true }, { name: "velo", url: "", following: true }]))
      .mockResolvedValueOnce(jsonResponse({ name: "velo", url: "", following: false }));
    renderWithProviders(<FollowedTagsScreen />, { account: me });
    expect(await screen.findByRole("link", { name: "#velo" })).toBeTruthy();
    await act(async () => screen.getByRole("button", { name: "Ne plus suivre #velo" }).click());
    expect(screen.queryByRole("link", { name: "#velo" })).toBeNull();
    expect(screen.getByRole("link", { name: "#marche" })).toBeTruthy();
  });
});
