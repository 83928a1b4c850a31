import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialAccount, Poll as PollEntity } from "../api/types";
import { jsonResponse, makeAccount, renderWithProviders } from "../testing/fixtures";
import { Composer } from "./Composer";
import { Poll } from "./Poll";

const fetchMock = vi.fn<typeof fetch>();
const me = makeAccount({ id: "1", username: "alice" }) as CredentialAccount;

const open: PollEntity = {
  id: "7",
  expires_at: "2030-01-01T00:00:00.000Z",
  expired: false,
  multiple: false,
  votes_count: 3,
  voters_count: 3,
  options: [
    { title: "Samedi", votes_count: 2 },
    { title: "Dimanche", votes_count: 1 },
  ],
  voted: false,
  own_votes: [],
};

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("Poll", () => {
  it("a resident votes and then sees the results with their choice", async () => {
    fetchMock.mockImplementation(async () =>
      jsonResponse({ ...open, votes_count: 4, voters_count: 4, voted: true, own_votes: [1], options: [open.options[0], { title: "Dimanche", votes_count: 2 }] }),
    );
    renderWithProviders(<Poll poll={open} />, { account: me });
    const vote = screen.getByRole("button", { name: "Voter" }) as HTMLButtonElement;
    expect(vote.disabled).toBe(true);
    await act(async () => fireEvent.click(screen.getByRole("radio", { name: "Dimanche" })));
    await act(async () => vote.click());
    await waitFor(() => expect(screen.getByText("(votre choix)")).toBeTruthy());
    const [url, init] = fetchMock.mock.calls[0];
    expect(String(url)).toContain("/api/v1/polls/7/votes");
    expect(JSON.parse(String(init?.body))).toEqual({ choices: [1] });
    expect(screen.getByRole("progressbar", { name: "Dimanche : 50 %" })).toBeTruthy();
  });

  it("a visitor sees the results, not a form", () => {
    renderWithProviders(<Poll poll={open} />);
    expect(screen.queryByRole("button", { name: "Voter" })).toBeNull();
    expect(screen.getByRole("progressbar", { name: "Samedi : 67 %" })).toBeTruthy();
  });

  it("hidden totals say so until the end", () => {
    renderWithProviders(<Poll poll={{ ...open, voted: true, options: open.options.map((o) => ({ ...o, votes_count: null })) }} />, { account: me });
    expect(screen.getAllByText("(résultat caché jusqu’à la fin)")).toHaveLength(2);
  });
});

describe("Composer with a poll", () => {
  it("sends the options, duration and choice mode", async () => {
    fetchMock.mockImplementation(async () => jsonResponse({}));
    renderWithProviders(<Composer />, { account: me });
    fireEvent.change(screen.getByLabelText("Que voulez-vous partager ?"), { target: { value: "Quel jour ?" } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Sondage" })));
    fireEvent.change(screen.getByLabelText("Choix 1"), { target: { value: "Samedi" } });
    fireEvent.change(screen.getByLabelText("Choix 2"), { target: { value: "Dimanche" } });
    fireEvent.change(screen.getByLabelText("Durée"), { target: { value: "3600" } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Publier" })));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const body = JSON.parse(String(fetchMock.mock.calls[0][1]?.body));
    expect(body.poll).toEqual({ options: ["Samedi", "Dimanche"], expires_in: 3600, multiple: false });
  });
});
