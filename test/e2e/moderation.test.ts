// Reporting and moderation in a real browser (French UI, 390 px wide), with
// axe checks: a resident reports a post from its menu; a moderator finds the
// report in the queue, reads it with the reported post, limits the account
// with a charter rule and a reason, and sees it in the account's history.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, reports } from "../../server/db/schema";
import type { Browser, Page } from "playwright-core";
import { follow } from "../../server/domain/follows";
import { addRule } from "../../server/domain/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

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
  await createResident(t, "mod", { role: "moderator" });
  await addRule(t.services.domain, "Pas d’insultes ni de menaces");
  await follow(t.services.domain, alice.account, bob.account);
  await createPost(t, bob, "Vous êtes tous des imbéciles");
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function loggedIn(username: string): Promise<Page> {
  const context = await newContext(browser, PHONE_390);
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

describe("reporting and moderating", () => {
  it("a resident reports a post for a charter rule from the post's menu", async () => {
    const page = await loggedIn("alice");
    await page.goto(`${t.url}/home`);
    const post = page.locator("article", { hasText: "Vous êtes tous des imbéciles" });
    await post.getByRole("button", { name: "Plus d’actions" }).click();
    await post.getByRole("button", { name: "Signaler" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: /^Signaler/ }).waitFor();
    await dialog.getByLabel("Ne respecte pas la charte").check();
    await dialog.getByLabel("Pas d’insultes ni de menaces").check();
    await dialog.getByLabel("Commentaire (facultatif)").fill("Insultes envers les voisins");
    await noHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "report-dialog-phone");
    await dialog.getByRole("button", { name: "Envoyer le signalement" }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    // the effect: one report, naming the post and the rule
    const rows = await t.services.db.select().from(reports);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ accountId: alice.account.id, targetAccountId: bob.account.id, category: "violation", comment: "Insultes envers les voisins" });
    expect(rows[0].statusIds).toHaveLength(1);
    expect(rows[0].ruleIds).toHaveLength(1);
  });

  it("a moderator finds it in the queue, limits the account with the rule and a reason, and reads the history", async () => {
    const page = await loggedIn("mod");
    await page.goto(`${t.url}/settings`);
    await page.getByRole("link", { name: "Modération : signalements et comptes" }).click();
    await page.getByRole("heading", { level: 1, name: "Signalements" }).waitFor();
    await noHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "moderation-queue-phone");
    await page.getByRole("link", { name: "Signalement de @bob" }).click();
    await page.getByText("Vous êtes tous des imbéciles").waitFor();
    await noHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "moderation-report-phone");
    await page.getByRole("button", { name: "Prendre une mesure" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Limiter").check();
    await dialog.getByLabel("Motif (inscrit à l’historique)").fill("Insultes répétées");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "moderation-action-phone");
    await dialog.getByRole("button", { name: "Appliquer la mesure" }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await page.getByText("Traités").first().waitFor();
    await page.getByRole("link", { name: "Voir le compte" }).click();
    await page.getByText("Limité", { exact: true }).waitFor();
    await page.getByText("Insultes répétées").waitFor();
    await noHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "moderation-account-phone");
    // the effect: bob is silenced, the report resolved by the moderator
    const [account] = await t.services.db.select().from(accounts).where(eq(accounts.id, bob.account.id));
    expect(account.silencedAt).toBeInstanceOf(Date);
    const [report] = await t.services.db.select().from(reports);
    expect(report.actionTakenAt).toBeInstanceOf(Date);
  });

  it("a resident who opens the moderation screens is told they are for the team", async () => {
    const page = await loggedIn("alice");
    await page.goto(`${t.url}/admin/reports`);
    await page.getByText("Cet écran est réservé à l’équipe de modération.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("loads nothing from third parties", () => {
    expect(thirdParty).toEqual([]);
  });
});
