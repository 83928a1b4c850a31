// Lists, filters, bookmarks and followed hashtags in a real browser (French UI,
// 390 px wide, then desktop), with axe checks. Independent of the other e2e files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { follow } from "../../server/domain/follows";
import { createPost, createResident, type Resident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { DESKTOP, launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

const PHONE_390: Viewport = { width: 390, height: 844 };

let t: TestInstance;
let browser: Browser;
let alice: Resident;
let bob: Resident;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  alice = await createResident(t, "alice");
  bob = await createResident(t, "bob");
  await follow(t.services.domain, alice.account, bob.account);
  await createPost(t, bob, "Réunion du conseil de quartier jeudi");
  await createPost(t, bob, "Les travaux rue Haute commencent lundi");
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function loggedIn(viewport: Viewport): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.url));
  await page.goto(`${t.url}/login`);
  await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill("alice");
  await page.getByLabel("Mot de passe").fill("correct horse battery");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
}

describe("a resident's lists, filters, bookmarks and hashtags", () => {
  let phone: Page;

  it("reaches lists from the settings on a phone, creates one, adds a neighbour and reads its timeline", async () => {
    phone = await loggedIn(PHONE_390);
    await phone.goto(`${t.url}/settings`);
    await phone.getByRole("link", { name: "Listes" }).click();
    await phone.getByRole("heading", { level: 1, name: "Listes" }).waitFor();
    await phone.getByLabel("Nom de la liste").fill("Quartier");
    await phone.getByRole("button", { name: "Créer la liste" }).click();
    await phone.getByRole("link", { name: "Quartier" }).click();
    await phone.getByRole("heading", { level: 1, name: "Quartier" }).waitFor();
    await phone.getByLabel("Ajouter un compte").fill("@bob");
    await phone.getByRole("button", { name: "Ajouter", exact: true }).click();
    await phone.getByRole("button", { name: "Retirer @bob de la liste" }).waitFor();
    await phone.reload();
    await phone.getByText("Réunion du conseil de quartier jeudi").waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "list-phone");
    const lists = await phone.evaluate(async () => (await fetch("/api/v1/lists", { credentials: "same-origin" })).json());
    expect(lists.map((l: { title: string }) => l.title)).toEqual(["Quartier"]);
  });

  it("creates a warn filter; a matching post on the home timeline is hidden behind a notice until revealed", async () => {
    await phone.goto(`${t.url}/filters`);
    await phone.getByLabel("Nom du filtre").fill("Travaux");
    await phone.getByLabel("Mots à filtrer").fill("travaux");
    await phone.getByRole("button", { name: "Créer le filtre" }).click();
    await phone.getByRole("heading", { level: 3, name: "Travaux" }).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "filters-phone");
    await phone.goto(`${t.url}/home`);
    await phone.getByText("Message filtré : Travaux").waitFor();
    expect(await phone.getByText("Les travaux rue Haute commencent lundi").count()).toBe(0);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "filtered-post-phone");
    await phone.getByRole("button", { name: "Afficher quand même" }).click();
    await phone.getByText("Les travaux rue Haute commencent lundi").waitFor();
  });

  it("bookmarks a post and finds it on the Signets screen from the desktop navigation", async () => {
    const desktop = await loggedIn(DESKTOP);
    await desktop.goto(`${t.url}/home`);
    const post = desktop.getByRole("article").filter({ hasText: "Réunion du conseil de quartier jeudi" });
    await post.getByRole("button", { name: "Ajouter aux signets" }).click();
    await post.getByRole("button", { name: "Ajouter aux signets", pressed: true }).waitFor();
    await desktop.getByRole("navigation").getByRole("link", { name: "Signets" }).click();
    await desktop.getByRole("heading", { level: 1, name: "Signets" }).waitFor();
    await desktop.getByText("Réunion du conseil de quartier jeudi").waitFor();
    expect(await seriousViolations(desktop)).toEqual([]);
    await screenshot(desktop, "bookmarks-desktop");
    await desktop.context().close();
  });

  it("follows a hashtag from its page and lists it among followed hashtags", async () => {
    await phone.goto(`${t.url}/tags/marche`);
    await phone.getByRole("button", { name: "Suivre #marche" }).click();
    await phone.getByRole("button", { name: "Ne plus suivre #marche" }).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.goto(`${t.url}/followed_tags`);
    await phone.getByRole("link", { name: "#marche" }).waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "followed-tags-phone");
    // a public post with the hashtag now reaches the home timeline
    const carol = await createResident(t, "carol");
    await createPost(t, carol, "Le #marche est ouvert ce matin");
    await phone.goto(`${t.url}/home`);
    await phone.getByText("est ouvert ce matin").waitFor();
  });

  it("made no request outside the instance", () => {
    expect(thirdParty).toEqual([]);
  });
});
