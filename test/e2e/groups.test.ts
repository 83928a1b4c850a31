// Groups in a real browser (French UI, 390 px phone and desktop), with axe
// checks and screenshots: the directory reached from the settings on a phone,
// creating a vigilance group, joining it through its charter, posting, live
// updates on the group page, pinning and removing a post from its menu, the
// moderators' screen (join requests, bans) and "Mes groupes".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createGroup, joinGroup } from "../../server/domain/groups";
import { createResident, type Resident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { DESKTOP, launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

const PHONE_390: Viewport = { width: 390, height: 844 };

let t: TestInstance;
let browser: Browser;
let alice: Resident;
let bob: Resident;
let carol: Resident;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  alice = await createResident(t, "alice");
  bob = await createResident(t, "bob");
  carol = await createResident(t, "carol");
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function loggedIn(username: string, viewport: Viewport): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.url));
  await page.goto(`${t.url}/login`);
  await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill(username);
  await page.getByLabel("Mot de passe").fill("correct horse battery");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
}

describe("groups in the web client", () => {
  let phone: Page;
  let desktop: Page;
  let groupPath = "";

  it("reaches the groups from the settings on a phone and creates a vigilance group with its charter", async () => {
    phone = await loggedIn("alice", PHONE_390);
    await phone.goto(`${t.url}/settings`);
    await phone.getByRole("link", { name: "Groupes", exact: true }).click();
    await phone.getByRole("heading", { level: 1, name: "Groupes" }).waitFor();
    await phone.getByText("Aucun groupe ne correspond.").waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.getByRole("link", { name: "Créer un groupe" }).click();
    await phone.getByRole("heading", { level: 1, name: "Créer un groupe" }).waitFor();
    await phone.getByLabel("Identifiant").fill("vigie");
    await phone.getByLabel("Nom du groupe").fill("Comité de vigilance vidéoprotection");
    await phone.getByLabel("Type de groupe").selectOption("vigilance");
    await phone.getByLabel("Description").fill("Nous suivons le projet de caméras de la commune.");
    await phone.getByLabel("Charte").fill("Nous documentons les faits, nous ne visons personne.");
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-new-phone");
    await phone.getByRole("button", { name: "Créer le groupe" }).click();
    await phone.getByRole("heading", { level: 1, name: "Comité de vigilance vidéoprotection" }).waitFor();
    groupPath = new URL(phone.url()).pathname;
    expect(groupPath).toMatch(/^\/groups\/\d+$/);
    await phone.getByText("1 membre").waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-page-phone");
  });

  it("posts into the group from its page", async () => {
    await phone.getByLabel("Que voulez-vous partager ?").fill("Le conseil municipal vote le budget des caméras jeudi.");
    await phone.getByRole("button", { name: "Publier" }).click();
    await phone.getByText("Message publié").or(phone.getByRole("alert")).first().waitFor({ state: "attached" });
    await screenshot(phone, "group-posted-phone");
    await phone.reload();
    await phone.getByRole("article").filter({ hasText: "vote le budget des caméras" }).waitFor();
    const posts = await phone.evaluate(async (path) => (await fetch(`/api/parvis/timelines${path.replace("/groups", "/group")}`)).json(), groupPath);
    expect(posts.map((p: { parvis_group: { slug: string } }) => p.parvis_group.slug)).toEqual(["vigie"]);
  });

  it("another resident finds it in the directory, joins by accepting the charter, and their post reaches the moderator's page live", async () => {
    desktop = await loggedIn("bob", DESKTOP);
    await desktop.getByRole("navigation").getByRole("link", { name: "Groupes" }).click();
    await desktop.getByLabel("Rechercher un groupe", { exact: true }).fill("caméras");
    await desktop.getByLabel("Type de groupe").selectOption("vigilance");
    await desktop.getByRole("button", { name: "Rechercher" }).click();
    await desktop.getByRole("link", { name: "Comité de vigilance vidéoprotection" }).click();
    await desktop.getByRole("button", { name: "Rejoindre le groupe" }).click();
    const dialog = desktop.getByRole("dialog", { name: "Charte de « Comité de vigilance vidéoprotection »" });
    await dialog.waitFor();
    expect(await dialog.getByRole("button", { name: "Rejoindre le groupe" }).isDisabled()).toBe(true);
    expect(await seriousViolations(desktop)).toEqual([]);
    await screenshot(desktop, "group-charter-desktop");
    await dialog.getByLabel("J’ai lu la charte et je l’accepte").check();
    await dialog.getByRole("button", { name: "Rejoindre le groupe" }).click();
    await desktop.getByRole("button", { name: "Quitter le groupe" }).waitFor();
    await desktop.getByText("2 membres").waitFor();
    await desktop.getByLabel("Que voulez-vous partager ?").fill("J’ai la délibération de 2024 sur les caméras.");
    await desktop.getByRole("button", { name: "Publier" }).click();
    // alice's page, open meanwhile, receives it on the group's stream
    await phone.getByText("J’ai la délibération de 2024").or(phone.getByRole("button", { name: /nouveau/ })).first().waitFor();
    await screenshot(desktop, "group-member-desktop");
  });

  it("the moderator pins the member's post and removes their own from the post menu", async () => {
    await phone.reload();
    const bobsPost = phone.getByRole("article").filter({ hasText: "délibération de 2024" });
    await bobsPost.getByRole("button", { name: "Plus d’actions" }).click();
    await bobsPost.getByRole("button", { name: "Épingler dans le groupe" }).press("Enter");
    await phone.getByRole("heading", { name: "Messages épinglés" }).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-pinned-phone");
    const own = phone.getByRole("article").filter({ hasText: "vote le budget des caméras" }).first();
    await own.getByRole("button", { name: "Plus d’actions" }).click();
    // the last post's menu opens under the phone's bottom bar: chosen with the keyboard
    await own.getByRole("button", { name: "Retirer du groupe" }).press("Enter");
    const dialog = phone.getByRole("dialog", { name: "Retirer ce message du groupe ?" });
    await dialog.getByLabel("Motif (facultatif)").fill("Doublon");
    await dialog.getByRole("button", { name: "Retirer du groupe" }).click();
    await phone.getByText("vote le budget des caméras").waitFor({ state: "detached" });
  });

  it("the moderators' screen approves a join request and bans a member", async () => {
    // an approval group, with carol asking to join
    const { group } = await createGroup(t.services.domain, alice.account, { slug: "ecole", name: "Parents de l’école Jaurès", kind: "association", membership: "approval" });
    await joinGroup(t.services.domain, carol.account, group.accountId);
    await phone.goto(`${t.url}/groups/${group.accountId}`);
    await phone.getByRole("link", { name: "Gérer le groupe" }).click();
    await phone.getByRole("heading", { level: 1, name: "Gérer Parents de l’école Jaurès" }).waitFor();
    await phone.getByRole("button", { name: "Accepter la demande de @carol" }).waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-manage-phone");
    await phone.getByRole("button", { name: "Accepter la demande de @carol" }).click();
    await phone.getByText("Aucune demande en attente.").waitFor();
    await phone.getByRole("button", { name: "Exclure @carol du groupe" }).click();
    const dialog = phone.getByRole("dialog", { name: "Exclure @carol ?" });
    await dialog.getByLabel("Motif (facultatif)").fill("Messages hors charte");
    await dialog.getByRole("button", { name: "Exclure" }).click();
    await phone.getByRole("button", { name: "Lever l’exclusion de @carol" }).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-bans-phone");
  });

  it("lists the resident's groups on Mes groupes", async () => {
    await desktop.goto(`${t.url}/groups/mine`);
    await desktop.getByRole("heading", { level: 1, name: "Mes groupes" }).waitFor();
    await desktop.getByRole("link", { name: "Comité de vigilance vidéoprotection" }).waitFor();
    expect(await desktop.getByRole("link", { name: "Parents de l’école Jaurès" }).count()).toBe(0);
    expect(await seriousViolations(desktop)).toEqual([]);
    await screenshot(desktop, "my-groups-desktop");
  });

  it("the group's account profile (as Mastodon apps see it) leads to the group's page", async () => {
    await desktop.goto(`${t.url}/@vigie`);
    await desktop.getByRole("link", { name: "Voir la page du groupe" }).click();
    await desktop.getByRole("heading", { level: 1, name: "Comité de vigilance vidéoprotection" }).waitFor();
  });

  it("made no request outside the instance", () => {
    expect(thirdParty).toEqual([]);
  });
});
