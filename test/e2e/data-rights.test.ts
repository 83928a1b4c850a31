// Réglages → Mes données in a real browser (French, 390 px; then English on a
// desktop), with axe checks: the archive asked for and downloaded, a CSV
// import with its per-line result, an alias, moving the account to another
// one, and deleting the account with its grace period, then cancelling it by
// logging in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { addAlias } from "../../server/domain/accounts";
import { follow } from "../../server/domain/follows";
import { runExports } from "../../server/domain/export";
import { runImports } from "../../server/domain/imports";
import { createPost, createResident, type Resident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { DESKTOP, launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

const PHONE_390: Viewport = { width: 390, height: 844 };

let t: TestInstance;
let browser: Browser;
let alice: Resident;
let bobId: string;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  alice = await createResident(t, "alice");
  const bob = await createResident(t, "bob");
  bobId = bob.account.id;
  await createResident(t, "carol");
  await follow(t.services.domain, alice.account, bob.account);
  await createPost(t, alice, "Le marché est déplacé place de l’Église");
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function loggedIn(viewport: Viewport, locale = "fr-FR"): Promise<Page> {
  const context = await newContext(browser, viewport, locale);
  const page = await context.newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.url));
  await page.goto(`${t.url}/login`);
  await page.locator("input[name=username]").fill("alice");
  await page.locator("input[name=password]").fill("correct horse battery");
  await page.locator("form button[type=submit]").click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
}

describe("Mes données", () => {
  let phone: Page;

  it("asks for the archive from the settings, sees it ready and downloads it", async () => {
    phone = await loggedIn(PHONE_390);
    await phone.goto(`${t.url}/settings`);
    await phone.getByRole("link", { name: "Mes données" }).click();
    await phone.getByRole("heading", { level: 1, name: "Mes données" }).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.getByRole("button", { name: "Préparer une nouvelle archive" }).click();
    await phone.getByText("Votre archive va être préparée dans un instant…").waitFor();
    await screenshot(phone, "data-export-queued-phone");
    // the background job (run here: test instances have no job loop)
    expect((await runExports(t.services.domain)).built).toHaveLength(1);
    const link = phone.getByRole("link", { name: /Télécharger l’archive/ });
    await link.waitFor({ timeout: 10_000 });
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "data-export-ready-phone");
    const [download] = await Promise.all([phone.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^parvis-alice-\d{4}-\d{2}-\d{2}\.zip$/);
    const bytes = await download.createReadStream().then(async (s) => {
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    });
    // a ZIP: local file header first, end of central directory last
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
    expect(bytes.readUInt32LE(bytes.length - 22)).toBe(0x06054b50);
  });

  it("imports a blocks file; each line's result is shown", async () => {
    await phone.getByLabel("Ce que contient le fichier").selectOption("blocks");
    await phone.getByLabel("Fichier CSV").setInputFiles({ name: "blocked_accounts.csv", mimeType: "text/csv", buffer: Buffer.from(`carol@${t.config.domain}\npas une adresse\n`) });
    await phone.getByRole("button", { name: "Importer", exact: true }).click();
    await phone.getByText("Import lancé.").first().waitFor({ state: "attached" });
    await runImports(t.services.domain);
    await phone.getByText("Terminé : 2 lignes, dont 1 en échec.").waitFor({ timeout: 10_000 });
    await phone.getByText("Voir la ligne en échec").click();
    await phone.locator(".import-lines li").getByText(/Ligne 2 :.*pas une adresse.*illisible/).waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "data-import-phone");
    const blocked = await phone.evaluate(async () => (await fetch("/api/v1/blocks", { credentials: "same-origin" })).json());
    expect(blocked.map((a: { username: string }) => a.username)).toEqual(["carol"]);
  });

  it("declares an alias", async () => {
    await phone.getByLabel("Adresse de l’autre compte").fill(`bob@${t.config.domain}`);
    await phone.getByRole("button", { name: "Ajouter l’alias" }).click();
    await phone.getByRole("button", { name: `Retirer l’alias bob@${t.config.domain}` }).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
  });

  it("moves the account to another one that lists it (Déménager mon compte)", async () => {
    // bob's account declares alice's as its alias: the move may go through
    await addAlias(t.services.domain, bobId, `alice@${t.config.domain}`);
    const move = phone.getByRole("group", { name: "Partir vers un autre compte" });
    await move.getByLabel("Adresse du nouveau compte").fill(`bob@${t.config.domain}`);
    await move.getByLabel("Mot de passe actuel").fill("correct horse battery");
    await move.getByRole("button", { name: "Déménager mon compte" }).click();
    const dialog = phone.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Déménager mon compte" }).click();
    await move.getByRole("status").getByText(/a déménagé vers/).waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "data-move-phone");
    const me = await phone.evaluate(async () => (await fetch("/api/v1/accounts/verify_credentials", { credentials: "same-origin" })).json());
    expect(me.moved?.acct).toBe("bob");
  });

  it("the same page in English on a desktop", async () => {
    const desk = await loggedIn(DESKTOP, "en-US");
    await desk.evaluate(() => localStorage.setItem("parvis.locale", "en"));
    await desk.goto(`${t.url}/settings/data`);
    await desk.getByRole("heading", { level: 1, name: "My data" }).waitFor();
    await desk.getByRole("heading", { name: "Delete my account" }).waitFor();
    await desk.getByRole("heading", { name: "Move my account" }).waitFor();
    expect(await seriousViolations(desk)).toEqual([]);
    await screenshot(desk, "data-rights-desktop-en");
    await desk.context().close();
  });

  it("deletes the account with a grace period, then takes it back by logging in", async () => {
    const deletion = phone.locator("section", { has: phone.getByRole("heading", { name: "Supprimer mon compte" }) });
    await deletion.getByLabel("Mot de passe actuel").fill("correct horse battery");
    await deletion.getByRole("button", { name: "Supprimer mon compte" }).click();
    const dialog = phone.getByRole("dialog");
    await dialog.waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "data-delete-confirm-phone");
    await dialog.getByRole("button", { name: "Supprimer mon compte" }).click();
    await phone.waitForURL((url) => url.pathname === "/login");
    await phone.getByText(/Votre compte sera supprimé le/).waitFor();
    await phone.getByLabel("Nom d’utilisateur ou adresse e-mail").fill("alice");
    await phone.getByLabel("Mot de passe").fill("correct horse battery");
    await phone.getByRole("button", { name: "Se connecter" }).click();
    await phone.getByText(/Ce compte doit être supprimé le/).waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "data-delete-pending-login-phone");
    await phone.getByRole("button", { name: "Annuler la suppression et me connecter" }).click();
    await phone.waitForURL((url) => !url.pathname.startsWith("/login"));
    const me = await phone.evaluate(async () => (await fetch("/api/v1/accounts/verify_credentials", { credentials: "same-origin" })).status);
    expect(me).toBe(200);
    expect(thirdParty).toEqual([]);
  });
});
