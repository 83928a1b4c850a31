// The resident's journey in a real browser (French UI, phone width): register,
// follow, post, see it live, notifications, visibility, language, keyboard, accessibility.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { TestInstance } from "../helpers/instance";
import { DESKTOP, PHONE, launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance } from "./support";

let t: TestInstance;
let browser: Browser;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function openPage(viewport = PHONE, locale = "fr-FR"): Promise<Page> {
  const context = await newContext(browser, viewport, locale);
  const page = await context.newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.url));
  return page;
}

async function register(page: Page, username: string): Promise<void> {
  await page.goto(`${t.url}/register`);
  await page.getByLabel("Nom d’utilisateur", { exact: true }).fill(username);
  await page.getByLabel("Mot de passe", { exact: true }).fill("un mot de passe solide");
  await page.getByLabel("Confirmez le mot de passe").fill("un mot de passe solide");
  await page.getByLabel(/J’ai lu et j’accepte/).check();
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await page.getByRole("link", { name: "Accueil" }).first().waitFor();
  await page.waitForURL((url) => !url.pathname.startsWith("/register"));
}

async function publish(page: Page, text: string, visibility?: string): Promise<void> {
  await page.goto(`${t.url}/home`);
  const box = page.getByLabel("Que voulez-vous partager ?");
  await box.fill(text);
  if (visibility) await page.getByLabel("Visibilité").selectOption({ label: visibility });
  await page.getByRole("button", { name: "Publier" }).click();
  await page.getByText("Message publié.").first().waitFor();
}

describe("a resident's Parvis in the browser", () => {
  let alice: Page;
  let bob: Page;

  it("a visitor sees the commune's landing page in French", async () => {
    const visitor = await openPage();
    await visitor.goto(t.url);
    await expect(visitor.getByRole("heading", { level: 1 }).first().textContent()).resolves.toContain("Saint-Parvis");
    expect(await visitor.evaluate(() => document.documentElement.lang)).toBe("fr");
    await screenshot(visitor, "landing-phone");
    await visitor.context().close();
  });

  it("two residents register in French", async () => {
    alice = await openPage();
    await register(alice, "alice");
    bob = await openPage(DESKTOP);
    await register(bob, "bob");
    const me = await bob.evaluate(async () => (await fetch("/api/v1/accounts/verify_credentials", { credentials: "same-origin" })).json());
    expect(me.username).toBe("bob");
  });

  it("the session token is not readable by scripts in the page", async () => {
    const cookies = await bob.evaluate(() => document.cookie);
    expect(cookies).not.toContain("parvis_session");
    expect(await bob.evaluate(() => JSON.stringify(localStorage))).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it("a resident follows a neighbour from their profile", async () => {
    await bob.goto(`${t.url}/@alice`);
    await bob.getByRole("button", { name: "Suivre" }).click();
    await bob.getByRole("button", { name: "Ne plus suivre" }).waitFor();
    await screenshot(bob, "profile-desktop");
  });

  it("a follower sees a new post appear without reloading", async () => {
    await bob.goto(`${t.url}/home`);
    await bob.getByRole("heading", { name: "Accueil" }).first().waitFor();
    await bob.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await publish(alice, "Marché de producteurs samedi sur le parvis !");
    await bob.getByText("Marché de producteurs samedi sur le parvis !").first().waitFor({ timeout: 15_000 });
    expect(await bob.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await screenshot(bob, "home-desktop");
    await screenshot(alice, "home-phone");
  });

  it("a mention shows up as a notification without reloading", async () => {
    await bob.goto(`${t.url}/home`);
    await bob.getByRole("heading", { name: "Accueil" }).first().waitFor();
    await publish(alice, "Merci @bob pour l’aide au jardin partagé");
    await bob.getByRole("link", { name: /notification non lue|notifications non lues/ }).first().waitFor({ timeout: 15_000 });
    await bob.goto(`${t.url}/notifications`);
    await bob.getByText(/vous a mentionné/).first().waitFor();
    await screenshot(bob, "notifications-desktop");
  });

  it("a followers-only post is not shown to a visitor", async () => {
    await publish(alice, "Réservé à mes abonnés : réunion du comité", "Abonnés uniquement");
    await bob.goto(`${t.url}/home`);
    await bob.getByText("Réservé à mes abonnés : réunion du comité").first().waitFor({ timeout: 15_000 });
    const visitor = await openPage();
    await visitor.goto(`${t.url}/@alice`);
    await visitor.getByText("Marché de producteurs samedi sur le parvis !").first().waitFor();
    expect(await visitor.getByText("Réservé à mes abonnés").count()).toBe(0);
    await visitor.goto(`${t.url}/local`);
    await visitor.getByText("Marché de producteurs samedi sur le parvis !").first().waitFor();
    expect(await visitor.getByText("Réservé à mes abonnés").count()).toBe(0);
    await visitor.context().close();
  });

  it("the interface switches to English", async () => {
    await alice.goto(`${t.url}/settings`);
    await alice.getByRole("combobox", { name: "Langue" }).selectOption("en");
    await alice.getByRole("link", { name: "Home" }).first().waitFor();
    expect(await alice.evaluate(() => document.documentElement.lang)).toBe("en");
    await screenshot(alice, "settings-phone-en");
    await alice.getByRole("combobox", { name: "Language" }).selectOption("fr");
    await alice.getByRole("link", { name: "Accueil" }).first().waitFor();
  });

  it("the composer can be used with the keyboard alone", async () => {
    await alice.goto(`${t.url}/home`);
    const box = alice.getByLabel("Que voulez-vous partager ?");
    await box.waitFor();
    // Tab from the top of the page until the composer has the focus
    await alice.keyboard.press("Tab");
    for (let i = 0; i < 40; i++) {
      if (await box.evaluate((el) => el === document.activeElement)) break;
      await alice.keyboard.press("Tab");
    }
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await alice.keyboard.type("Publié au clavier");
    // move on to the publish button and press it
    for (let i = 0; i < 15; i++) {
      await alice.keyboard.press("Tab");
      const name = await alice.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim());
      if (name === "Publier") break;
    }
    await alice.keyboard.press("Enter");
    await alice.getByText("Publié au clavier").first().waitFor();
  });

  it("no screen has a serious or critical accessibility violation", async () => {
    const status = await alice.evaluate(async () => {
      const r = await fetch("/api/v1/accounts/lookup?acct=alice");
      const a = await r.json();
      const s = await fetch(`/api/v1/accounts/${a.id}/statuses`);
      return (await s.json())[0].id as string;
    });
    const screens: [Page, string, string][] = [
      [alice, "/home", "home"],
      [alice, "/local", "local"],
      [alice, "/federated", "federated"],
      [alice, "/notifications", "notifications"],
      [alice, "/search?q=bob", "search"],
      [alice, "/settings", "settings"],
      [alice, "/@alice", "profile-own"],
      [alice, "/@bob", "profile-other"],
      [alice, `/@alice/${status}`, "thread"],
      [alice, "/about", "about"],
      [alice, "/tags/parvis", "tag"],
    ];
    const visitor = await openPage();
    screens.push([visitor, "/", "landing"], [visitor, "/register", "register"], [visitor, "/login", "login"]);
    const problems: string[] = [];
    for (const [page, path, name] of screens) {
      await page.goto(`${t.url}${path}`);
      await page.waitForLoadState("networkidle");
      await page.locator("main").first().waitFor();
      await screenshot(page, `${name}-${page === alice || page === visitor ? "phone" : "desktop"}`);
      for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
    }
    await visitor.context().close();
    expect(problems).toEqual([]);
  });

  it("pages make no third-party requests", () => {
    expect(thirdParty).toEqual([]);
  });
});
