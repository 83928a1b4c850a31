import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Group } from "../api/types";
import { streamMatches } from "../streaming/types";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { GroupManageScreen, GroupScreen, GroupsScreen, NewGroupScreen } from "./Groups";

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = makeAccount({ id: "1", username: "moi" });
const bob = makeAccount({ id: "77", username: "bob", display_name: "Bob" });

function makeGroup(overrides: Partial<Group> = {}): Group {
  return {
    id: "500",
    slug: "vigie",
    acct: "vigie",
    name: "Comité de vigilance",
    description: "<p>Caméras</p>",
    description_source: "Caméras",
    kind: "vigilance",
    charter: "Nous documentons.",
    charter_version: 3,
    area: null,
    visibility: "public",
    membership: "open",
    posting: "members",
    members_count: 12,
    local: true,
    url: "http://localhost/groups/vigie",
    created_at: "2026-01-01T10:00:00.000Z",
    account: makeAccount({ id: "500", username: "vigie" }),
    relationship: { state: null, role: null, banned: false, charter_version: null, charter_accepted_at: null, can_post: false, can_moderate: false, can_administer: false },
    ...overrides,
  };
}

function routes(table: Record<string, (init?: RequestInit, url?: string) => Response>) {
  fetchMock.mockImplementation(async (input, init) => {
    const url = String(input);
    const key = `${init?.method ?? "GET"} ${url.split("?")[0]}`;
    const handler = table[key];
    if (!handler) return jsonResponse({ error: `unexpected ${key}` }, { status: 404 });
    return handler(init, url);
  });
}

const bodies = (method: string, path: string) =>
  fetchMock.mock.calls.filter(([input, init]) => (init?.method ?? "GET") === method && String(input).split("?")[0] === path).map(([, init]) => (init?.body ? JSON.parse(String(init.body)) : undefined));

describe("GroupsScreen", () => {
  it("lists the directory and searches by words and kind", async () => {
    routes({ "GET /api/parvis/groups": () => jsonResponse([makeGroup()]) });
    renderWithProviders(<GroupsScreen params={{}} search={new URLSearchParams()} />, { account: me as never });
    expect(await screen.findByRole("link", { name: "Comité de vigilance" })).toBeTruthy();
    expect(screen.getByText(/12 membres/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Rechercher un groupe", { selector: "input" }), { target: { value: "caméras" } });
    fireEvent.change(screen.getByLabelText("Type de groupe"), { target: { value: "vigilance" } });
    await act(async () => screen.getByRole("button", { name: "Rechercher" }).click());
    const last = String(fetchMock.mock.calls.at(-1)![0]);
    expect(last).toContain("q=cam%C3%A9ras");
    expect(last).toContain("kind=vigilance");
  });
});

describe("GroupsScreen, who may create a group", () => {
  const adminsOnly = { parvis: { group_creation: "admins" } } as never;
  const admin = makeAccount({ id: "2", username: "chef", roles: [{ id: "3", name: "Admin" }] } as never);

  it("offers « Créer un groupe » to everyone by default, and only to admins when the instance keeps it to them", async () => {
    routes({ "GET /api/parvis/groups": () => jsonResponse([]) });
    renderWithProviders(<GroupsScreen params={{}} search={new URLSearchParams()} />, { account: me as never });
    expect(await screen.findByRole("link", { name: "Créer un groupe" })).toBeTruthy();
    cleanup();
    renderWithProviders(<GroupsScreen params={{}} search={new URLSearchParams()} />, { account: me as never, instance: adminsOnly });
    await screen.findByRole("link", { name: "Mes groupes" });
    expect(screen.queryByRole("link", { name: "Créer un groupe" })).toBeNull();
    cleanup();
    renderWithProviders(<GroupsScreen params={{}} search={new URLSearchParams()} />, { account: admin as never, instance: adminsOnly });
    expect(await screen.findByRole("link", { name: "Créer un groupe" })).toBeTruthy();
  });

  it("the creation page tells a resident that only admins create groups, with no form and no request", async () => {
    routes({});
    renderWithProviders(<NewGroupScreen />, { account: me as never, instance: adminsOnly });
    expect(await screen.findByText(/seuls les administrateurs peuvent créer un groupe/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Créer le groupe" })).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("a refusal by the server (the setting changed meanwhile) is said plainly", async () => {
    routes({ "POST /api/parvis/groups": () => jsonResponse({ error: "Only the instance's admins may create groups" }, { status: 403 }) });
    renderWithProviders(<NewGroupScreen />, { account: me as never });
    fireEvent.change(screen.getByLabelText("Identifiant"), { target: { value: "jardin" } });
    fireEvent.change(screen.getByLabelText("Nom du groupe"), { target: { value: "Jardin" } });
    await act(async () => screen.getByRole("button", { name: "Créer le groupe" }).click());
    expect(await screen.findByText(/seuls les administrateurs peuvent créer un groupe/)).toBeTruthy();
    expect(bodies("POST", "/api/parvis/groups")).toHaveLength(1);
  });
});

describe("GroupsScreen, a group of another server", { timeout: 20000 }, () => {
  it("a handle is looked up on its server (search with resolve) and opens the group's page", async () => {
    const community = makeAccount({ id: "640", username: "tenforward", acct: "tenforward@lemmy.example", group: true });
    routes({
      "GET /api/parvis/groups": () => jsonResponse([]),
      "GET /api/v2/search": () => jsonResponse({ accounts: [makeAccount({ id: "9", username: "someone" }), community], statuses: [], hashtags: [] }),
    });
    renderWithProviders(<GroupsScreen params={{}} search={new URLSearchParams()} />, { account: me as never });
    await screen.findByText("Un groupe d’une autre instance (Parvis, Lemmy, Mobilizon) : son adresse @nom@serveur ou son lien.");
    fireEvent.change(screen.getByLabelText("Rechercher un groupe", { selector: "input" }), { target: { value: "@tenforward@lemmy.example" } });
    await act(async () => screen.getByRole("button", { name: "Rechercher" }).click());
    const searched = fetchMock.mock.calls.map(([input]) => String(input)).find((u) => u.startsWith("/api/v2/search"));
    expect(searched).toBe("/api/v2/search?q=%40tenforward%40lemmy.example&type=accounts&resolve=true&limit=5");
    expect(window.location.pathname).toBe("/groups/640");
  });
});

describe("GroupScreen", { timeout: 20000 }, () => {
  it("a remote group's page says where it is hosted, and is joined from here", async () => {
    const remote = makeGroup({ id: "640", slug: "tenforward", acct: "tenforward@lemmy.example", name: "Ten Forward", kind: "topic", charter: "", local: false, url: "https://lemmy.example/c/tenforward" });
    routes({
      "GET /api/parvis/groups/640": () => jsonResponse(remote),
      "GET /api/parvis/timelines/group/640": () => jsonResponse([]),
      "POST /api/parvis/groups/640/join": () => jsonResponse({ ...remote, relationship: { ...remote.relationship!, state: "pending" } }),
    });
    renderWithProviders(<GroupScreen params={{ id: "640" }} search={new URLSearchParams()} />, { account: me as never });
    expect(await screen.findByText(/Groupe hébergé sur lemmy\.example\./, {}, { timeout: 10000 })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Voir sur son serveur" }).getAttribute("href")).toBe("https://lemmy.example/c/tenforward");
    await act(async () => screen.getByRole("button", { name: "Rejoindre le groupe" }).click());
    expect(bodies("POST", "/api/parvis/groups/640/join")).toHaveLength(1);
  });

  it("a vigilance group is joined only once its charter is accepted, and the acceptance is sent", async () => {
    const joined = makeGroup({ members_count: 13, relationship: { ...makeGroup().relationship!, state: "active", role: "member", can_post: true, charter_version: 3, charter_accepted_at: "2026-01-02T00:00:00.000Z" } });
    routes({
      "GET /api/parvis/groups/500": () => jsonResponse(makeGroup()),
      "GET /api/parvis/timelines/group/500": () => jsonResponse([]),
      "POST /api/parvis/groups/500/join": () => jsonResponse(joined),
    });
    renderWithProviders(<GroupScreen params={{ id: "500" }} search={new URLSearchParams()} />, { account: me as never });
    const join = await screen.findByRole("button", { name: "Rejoindre le groupe" }, { timeout: 10000 });
    await act(async () => join.click());
    const dialogJoin = screen.getAllByRole("button", { name: "Rejoindre le groupe" }).at(-1)! as HTMLButtonElement;
    expect(dialogJoin.disabled).toBe(true);
    expect(screen.getAllByText("Nous documentons.").length).toBeGreaterThan(0);
    fireEvent.click(screen.getByLabelText("J’ai lu la charte et je l’accepte"));
    await act(async () => dialogJoin.click());
    expect(bodies("POST", "/api/parvis/groups/500/join")).toEqual([{ accept_charter: true }]);
    expect(await screen.findByRole("button", { name: "Quitter le groupe" })).toBeTruthy();
    // a member who may post gets the composer, which posts into the group
    expect(screen.getByText("Publié dans le groupe « Comité de vigilance » : message public.")).toBeTruthy();
  });

  it("a members-only group's posts are not requested for a non-member", async () => {
    routes({ "GET /api/parvis/groups/500": () => jsonResponse(makeGroup({ visibility: "members", kind: "topic", charter: "" })) });
    renderWithProviders(<GroupScreen params={{ id: "500" }} search={new URLSearchParams()} />, { account: me as never });
    expect(await screen.findByText("Les messages de ce groupe sont réservés à ses membres.", {}, { timeout: 10000 })).toBeTruthy();
    expect(fetchMock.mock.calls.some(([input]) => String(input).includes("/timelines/group/"))).toBe(false);
  });

  it("a moderator pins a post from its menu", async () => {
    const post = makeStatus({ id: "900", account: bob, parvis_group: { id: "500", slug: "vigie", acct: "vigie", name: "Comité de vigilance", url: "", visibility: "public" } });
    routes({
      "GET /api/parvis/groups/500": () =>
        jsonResponse(makeGroup({ relationship: { ...makeGroup().relationship!, state: "active", role: "moderator", can_post: true, can_moderate: true } })),
      "GET /api/parvis/timelines/group/500": (_init, url) => jsonResponse(url?.includes("pinned=true") ? [] : [post]),
      "POST /api/parvis/groups/500/statuses/900/pin": () => jsonResponse(post),
    });
    renderWithProviders(<GroupScreen params={{ id: "500" }} search={new URLSearchParams()} />, { account: me as never });
    await screen.findByText("Status 900", {}, { timeout: 10000 });
    await act(async () => screen.getByRole("button", { name: "Plus d’actions" }).click());
    await act(async () => screen.getByRole("button", { name: "Épingler dans le groupe" }).click());
    expect(bodies("POST", "/api/parvis/groups/500/statuses/900/pin")).toHaveLength(1);
  });
});

describe("NewGroupScreen", () => {
  it("refuses a vigilance group without a charter before calling the server", async () => {
    routes({});
    renderWithProviders(<NewGroupScreen />, { account: me as never });
    fireEvent.change(screen.getByLabelText("Identifiant"), { target: { value: "vigie" } });
    fireEvent.change(screen.getByLabelText("Nom du groupe"), { target: { value: "Vigie" } });
    fireEvent.change(screen.getByLabelText("Type de groupe"), { target: { value: "vigilance" } });
    await act(async () => screen.getByRole("button", { name: "Créer le groupe" }).click());
    expect((await screen.findByRole("alert")).textContent).toBe("Un comité de vigilance doit avoir une charte.");
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("GroupManageScreen", { timeout: 20000 }, () => {
  it("approves a join request", async () => {
    routes({
      "GET /api/parvis/groups/500": () =>
        jsonResponse(makeGroup({ relationship: { ...makeGroup().relationship!, state: "active", role: "moderator", can_moderate: true } })),
      "GET /api/parvis/groups/500/requests": () => jsonResponse([{ id: "1", role: "member", state: "pending", joined_at: null, requested_at: "", account: bob }]),
      "GET /api/parvis/groups/500/members": () => jsonResponse([]),
      "GET /api/parvis/groups/500/bans": () => jsonResponse([]),
      "POST /api/parvis/groups/500/requests/77/approve": () => jsonResponse({}),
    });
    renderWithProviders(<GroupManageScreen params={{ id: "500" }} search={new URLSearchParams()} />, { account: me as never });
    const approve = await screen.findByRole("button", { name: "Accepter la demande de @bob" }, { timeout: 10000 });
    await act(async () => approve.click());
    expect(bodies("POST", "/api/parvis/groups/500/requests/77/approve")).toHaveLength(1);
    expect(await screen.findByText("Aucune demande en attente.")).toBeTruthy();
  });
});

describe("the group stream", () => {
  it("takes a public group's posts from its stream and a members-only group's from the user stream", () => {
    const spec = { stream: "group" as const, group: "500" };
    expect(streamMatches(spec, ["group", "500"])).toBe(true);
    expect(streamMatches(spec, ["group", "501"])).toBe(false);
    expect(streamMatches(spec, ["user"], { parvis_group: { id: "500" } })).toBe(true);
    expect(streamMatches(spec, ["user"], { parvis_group: { id: "501" } })).toBe(false);
    expect(streamMatches(spec, ["user"], {})).toBe(false);
  });
});

describe("GroupManageScreen for a group's admin", { timeout: 20000 }, () => {
  const adminGroup = () => makeGroup({ relationship: { ...makeGroup().relationship!, state: "active", role: "admin", can_moderate: true, can_administer: true } });
  const manageRoutes = (extra: Record<string, (init?: RequestInit) => Response>) =>
    routes({
      "GET /api/parvis/groups/500": () => jsonResponse(adminGroup()),
      "GET /api/parvis/groups/500/requests": () => jsonResponse([]),
      "GET /api/parvis/groups/500/members": () => jsonResponse([]),
      "GET /api/parvis/groups/500/bans": () => jsonResponse([]),
      ...extra,
    });

  it("sends the chosen avatar as multipart", async () => {
    let sent: FormData | null = null;
    manageRoutes({
      "PATCH /api/parvis/groups/500": (init) => {
        sent = init?.body as FormData;
        return jsonResponse(adminGroup());
      },
    });
    renderWithProviders(<GroupManageScreen params={{ id: "500" }} search={new URLSearchParams()} />, { account: me as never });
    const input = (await screen.findByLabelText("Avatar du groupe", undefined, { timeout: 10000 })) as HTMLInputElement;
    const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "a.png", { type: "image/png" });
    fireEvent.change(input, { target: { files: [file] } });
    await act(async () => screen.getByRole("button", { name: "Enregistrer les images" }).click());
    expect(sent).toBeInstanceOf(FormData);
    expect((sent as unknown as FormData).get("avatar")).toBeInstanceOf(File);
    expect((sent as unknown as FormData).get("header")).toBeNull();
  });

  it("deletes the group only after confirming", async () => {
    manageRoutes({ "DELETE /api/parvis/groups/500": () => jsonResponse({}) });
    renderWithProviders(<GroupManageScreen params={{ id: "500" }} search={new URLSearchParams()} />, { account: me as never });
    await screen.findByLabelText("Avatar du groupe", undefined, { timeout: 10000 });
    await act(async () => screen.getByText("Supprimer le groupe", { selector: "button" }).click());
    expect(bodies("DELETE", "/api/parvis/groups/500")).toHaveLength(0);
    const dialog = await screen.findByRole("dialog");
    expect(dialog.textContent).toContain("Supprimer définitivement « Comité de vigilance »");
    const confirm = [...dialog.querySelectorAll("button")].find((b) => b.textContent === "Supprimer le groupe")!;
    await act(async () => confirm.click());
    expect(bodies("DELETE", "/api/parvis/groups/500")).toHaveLength(1);
  });
});
