import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/open";
import { setSetting } from "../../server/domain/instance";
import {
  invalidateDomainPolicyCache,
  isDomainAllowed,
  isUrlAllowed,
  listDomainPolicies,
  removeDomainPolicy,
  setDomainPolicy,
} from "../../federation/policy";
import { openTestDatabase, resetDatabase } from "../helpers/db";
import { domainContext } from "./support/context";

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
}, 180_000);
afterAll(() => database?.close());
beforeEach(async () => {
  await resetDatabase(database.db);
  // rows were removed behind the domain module's back
  invalidateDomainPolicyCache(domainContext(database));
});

describe("open federation", () => {
  it("allows a domain nobody listed", async () => {
    const ctx = domainContext(database);
    expect(await isDomainAllowed(ctx, "mastodon.social")).toBe(true);
  });

  it("refuses a blocked domain", async () => {
    const ctx = domainContext(database);
    await setDomainPolicy(ctx, "spam.example", "block", "spam");
    expect(await isDomainAllowed(ctx, "spam.example")).toBe(false);
  });

  it("refuses the subdomains of a blocked domain", async () => {
    const ctx = domainContext(database);
    await setDomainPolicy(ctx, "spam.example", "block");
    expect(await isDomainAllowed(ctx, "social.spam.example:8443")).toBe(false);
  });

  it("does not refuse a domain that merely ends like a blocked one", async () => {
    const ctx = domainContext(database);
    await setDomainPolicy(ctx, "spam.example", "block");
    expect(await isDomainAllowed(ctx, "notspam.example")).toBe(true);
  });

  it("compares domains case-insensitively", async () => {
    const ctx = domainContext(database);
    await setDomainPolicy(ctx, "Spam.Example", "block");
    expect(await isDomainAllowed(ctx, "SPAM.example")).toBe(false);
  });

  it("allows a domain again once its block is removed", async () => {
    const ctx = domainContext(database);
    await setDomainPolicy(ctx, "spam.example", "block");
    await isDomainAllowed(ctx, "spam.example"); // cached
    await removeDomainPolicy(ctx, "spam.example");
    expect(await isDomainAllowed(ctx, "spam.example")).toBe(true);
  });

  it("judges a URL by its host", async () => {
    const ctx = domainContext(database);
    await setDomainPolicy(ctx, "spam.example", "block");
    expect(await isUrlAllowed(ctx, "https://spam.example/users/bob")).toBe(false);
  });
});

describe("allowlist federation", () => {
  it("refuses a domain that is not on the list", async () => {
    const ctx = domainContext(database, { PARVIS_FEDERATION_MODE: "allowlist" });
    expect(await isDomainAllowed(ctx, "mastodon.social")).toBe(false);
  });

  it("allows a listed domain", async () => {
    const ctx = domainContext(database, { PARVIS_FEDERATION_MODE: "allowlist" });
    await setDomainPolicy(ctx, "voisine.fr", "allow");
    expect(await isDomainAllowed(ctx, "voisine.fr")).toBe(true);
  });

  it("allows a listed domain without port on any port", async () => {
    const ctx = domainContext(database, { PARVIS_FEDERATION_MODE: "allowlist" });
    await setDomainPolicy(ctx, "localhost", "allow");
    expect(await isDomainAllowed(ctx, "localhost:3101")).toBe(true);
  });

  it("keeps a listed host with port to that port", async () => {
    const ctx = domainContext(database, { PARVIS_FEDERATION_MODE: "allowlist" });
    await setDomainPolicy(ctx, "localhost:3101", "allow");
    expect([await isDomainAllowed(ctx, "localhost:3101"), await isDomainAllowed(ctx, "localhost:3102")]).toEqual([true, false]);
  });

  it("always allows our own domain", async () => {
    const ctx = domainContext(database, { PARVIS_FEDERATION_MODE: "allowlist" });
    expect(await isDomainAllowed(ctx, "parvis.test")).toBe(true);
  });

  it("follows the federation mode an admin stored in the settings", async () => {
    const ctx = domainContext(database); // environment says open
    await setSetting(ctx, "federation_mode", "allowlist");
    invalidateDomainPolicyCache(ctx);
    expect(await isDomainAllowed(ctx, "mastodon.social")).toBe(false);
  });
});

describe("domain policies", () => {
  it("refuses a policy on our own domain", async () => {
    const ctx = domainContext(database);
    await expect(setDomainPolicy(ctx, "parvis.test", "block")).rejects.toThrow(/own domain/);
  });

  it("refuses something that is not a domain", async () => {
    const ctx = domainContext(database);
    await expect(setDomainPolicy(ctx, "https://evil.example/path", "block")).rejects.toThrow(/Invalid domain/);
  });

  it("stores one policy per domain, the last one set", async () => {
    const ctx = domainContext(database);
    await setDomainPolicy(ctx, "voisine.fr", "block");
    await setDomainPolicy(ctx, "voisine.fr", "allow", "neighbours");
    expect((await listDomainPolicies(ctx)).map((p) => [p.domain, p.policy, p.reason])).toEqual([["voisine.fr", "allow", "neighbours"]]);
  });
});
