// Groups in a real browser, the rest of issue 11's local half (French UI, 390 px
// phone, axe checks, screenshots): a group admin uploads the group's avatar and
// header, a join request shows in the moderators' notifications with a link to
// the requests, an instance admin chooses who may create groups, and an admin
// deletes a group after confirming.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { accounts } from "../../server/db/schema";
import { getSettings } from "../../server/domain/instance";
import { createGroup, joinGroup } from "../../server/domain/groups";
import { createResident, type Resident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

const PHONE_390: Viewport = { width: 390, height: 844 };

let t: TestInstance;
let browser: Browser;
let alice: Resident;
let bob: Resident;
let groupId = "";
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  alice = await createResident(t, "alice", { role: "admin" });
  bob = await createResident(t, "bob");
  const { group } = await createGroup(t.services.domain, alice.account, { slug: "gare", name: "Quartier de la Gare", kind: "neighbourhood", membership: "approval" });
  groupId = group.accountId;
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function loggedIn(username: string, viewport: Viewport): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  // the instance's own origin (media URLs are absolute on it; CSP img-src is 'self')
  thirdParty.push(...recordThirdPartyRequests(page, t.config.origin));
  await page.goto(`${t.config.origin}/login`);
  await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill(username);
  await page.getByLabel("Mot de passe").fill("correct horse battery");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
}

describe("groups in the web client: images, notifications, creation setting, deletion", () => {
  let phone: Page;

  it("the group's admin uploads its avatar and header from the manage screen; the group page shows them", async () => {
    phone = await loggedIn("alice", PHONE_390);
    await phone.goto(`${t.config.origin}/groups/${groupId}/manage`);
    await phone.getByRole("heading", { name: "Avatar et bannière" }).waitFor();
    const png = await sharp({ create: { width: 120, height: 120, channels: 3, background: "#2a7a4b" } }).png().toBuffer();
    const banner = await sharp({ create: { width: 600, height: 200, channels: 3, background: "#1f4e8c" } }).png().toBuffer();
    await phone.getByLabel("Avatar du groupe").setInputFiles({ name: "avatar.png", mimeType: "image/png", buffer: png });
    await phone.getByLabel("Bannière du groupe").setInputFiles({ name: "banner.png", mimeType: "image/png", buffer: banner });
    await phone.getByRole("button", { name: "Enregistrer les images" }).click();
    await phone.getByText("Images du groupe enregistrées.").first().waitFor({ state: "attached" });
    const [row] = await t.services.db.select().from(accounts).where(eq(accounts.id, groupId));
    expect(row.avatarUrl).toMatch(/^\d+\.png$/);
    expect(row.headerUrl).toMatch(/^\d+\.png$/);
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-images-phone");
    await phone.goto(`${t.config.origin}/groups/${groupId}`);
    await phone.locator(".group-header-image").waitFor();
    await phone.waitForFunction(
      (name) => {
        const avatar = document.querySelector<HTMLImageElement>(`.group-header img.avatar[src$="${name}"]`);
        const header = document.querySelector<HTMLImageElement>(".group-header-image");
        return Boolean(avatar?.complete && avatar.naturalWidth === 120 && header?.complete && header.naturalWidth === 600);
      },
      row.avatarUrl,
    );
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-page-images-phone");
  });

  it("a join request shows in the admin's notifications, with a link to the requests", async () => {
    await joinGroup(t.services.domain, bob.account, groupId);
    await phone.goto(`${t.config.origin}/notifications`);
    const item = phone.getByRole("article").filter({ hasText: "demande à rejoindre un groupe que vous modérez" });
    await item.waitFor();
    await item.getByRole("link", { name: "Quartier de la Gare" }).waitFor();
    await noHorizontalScroll(phone);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-request-notification-phone");
    await item.getByRole("link", { name: "Voir les demandes" }).click();
    await phone.getByRole("button", { name: "Accepter la demande de @bob" }).waitFor();
  });

  it("the instance admin lets admins only create groups", async () => {
    await phone.goto(`${t.config.origin}/admin/instance`);
    await phone.getByLabel("Qui peut créer des groupes").selectOption("admins");
    const form = phone.locator("form").filter({ has: phone.getByLabel("Qui peut créer des groupes") });
    await form.getByRole("button", { name: "Enregistrer" }).click();
    await expect.poll(async () => (await getSettings(t.services.domain)).groupCreation, { timeout: 10_000 }).toBe("admins");
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "admin-group-creation-phone");
    // a resident's directory no longer offers « Créer un groupe »; the admin's still does
    const bobs = await loggedIn("bob", PHONE_390);
    await bobs.goto(`${t.config.origin}/groups`);
    await bobs.getByRole("link", { name: "Mes groupes" }).waitFor();
    expect(await bobs.getByRole("link", { name: "Créer un groupe" }).count()).toBe(0);
    await bobs.goto(`${t.config.origin}/groups/new`);
    await bobs.getByText("seuls les administrateurs peuvent créer un groupe", { exact: false }).waitFor();
    await bobs.context().close();
    await phone.goto(`${t.config.origin}/groups`);
    await phone.getByRole("link", { name: "Créer un groupe" }).waitFor();
  });

  it("the group's admin deletes the group after confirming; it leaves the directory", async () => {
    await phone.goto(`${t.config.origin}/groups/${groupId}/manage`);
    await phone.getByRole("button", { name: "Supprimer le groupe" }).click();
    const dialog = phone.getByRole("dialog", { name: "Supprimer le groupe" });
    await dialog.getByText("Supprimer définitivement « Quartier de la Gare » et toutes ses publications ?").waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "group-delete-phone");
    await dialog.getByRole("button", { name: "Supprimer le groupe" }).click();
    await phone.getByRole("heading", { level: 1, name: "Groupes" }).waitFor();
    await phone.getByText("Aucun groupe ne correspond.").waitFor();
    const [row] = await t.services.db.select().from(accounts).where(eq(accounts.id, groupId));
    expect(row.suspendedAt).not.toBeNull();
  });

  it("made no request outside the instance", () => {
    expect(thirdParty).toEqual([]);
  });
});
