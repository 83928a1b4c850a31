import { act, cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Page } from "../api/http";
import type { Status } from "../api/types";
import { publishLocal } from "../streaming/socket";
import { makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { Timeline } from "./Timeline";

afterEach(cleanup);

const author = makeAccount({ username: "claire", display_name: "Claire" });

function page(items: Status[], nextMaxId: string | null = null): Page<Status> {
  return { items, nextMaxId, prevMinId: null };
}

describe("Timeline", () => {
  it("shows the first page, then applies live additions, edits and deletions", async () => {
    const first = makeStatus({ id: "20", account: author, content: "<p>Conseil municipal</p>" });
    const second = makeStatus({ id: "10", account: author, content: "<p>Vide-grenier</p>" });
    const load = vi.fn(async () => page([first, second]));
    renderWithProviders(<Timeline id="home" load={load} stream={{ stream: "user" }} label="Accueil" emptyText="vide" />);
    await screen.findByText("Conseil municipal");
    expect(load).toHaveBeenCalledWith({ limit: 20 });

    act(() => publishLocal({ stream: ["user"], event: "update", payload: makeStatus({ id: "30", account: author, content: "<p>Nouveau</p>" }) }));
    expect(screen.getAllByRole("article")[0].textContent).toContain("Nouveau");

    act(() => publishLocal({ stream: [], event: "status.update", payload: { ...second, content: "<p>Vide-grenier annulé</p>" } }));
    expect(screen.getByText("Vide-grenier annulé")).toBeTruthy();

    act(() => publishLocal({ stream: [], event: "delete", payload: "20" }));
    expect(screen.queryByText("Conseil municipal")).toBeNull();
    expect(screen.getAllByRole("article")).toHaveLength(2);
  });

  it("does not take new statuses from another stream", async () => {
    renderWithProviders(<Timeline id="local" load={async () => page([])} stream={{ stream: "public:local" }} label="Local" emptyText="Rien ici" />);
    await screen.findByText("Rien ici");
    act(() => publishLocal({ stream: ["user"], event: "update", payload: makeStatus({ account: author, content: "<p>Privé</p>" }) }));
    expect(screen.queryByText("Privé")).toBeNull();
  });

  it("loads older statuses with the max_id cursor", async () => {
    const load = vi
      .fn<(q: { max_id?: string; limit: number }) => Promise<Page<Status>>>()
      .mockResolvedValueOnce(page([makeStatus({ id: "20", account: author, content: "<p>Récent</p>" })], "20"))
      .mockResolvedValueOnce(page([makeStatus({ id: "5", account: author, content: "<p>Ancien</p>" })], null));
    renderWithProviders(<Timeline id="x" load={load} stream={null} label="x" emptyText="vide" />);
    const more = await screen.findByRole("button", { name: "Charger plus" });
    await act(async () => more.click());
    await screen.findByText("Ancien");
    expect(load).toHaveBeenLastCalledWith({ max_id: "20", limit: 20 });
    await waitFor(() => expect(screen.queryByRole("button", { name: "Charger plus" })).toBeNull());
  });
});
