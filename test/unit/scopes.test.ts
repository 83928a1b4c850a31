// Scope semantics as Mastodon defines them (server/auth/scopes.ts).
import { describe, expect, it } from "vitest";
import { expandScopes, hasScope, isKnownScope, ruleFor } from "../../server/auth/scopes";

const has = (granted: string, needed: string) => hasScope(expandScopes(granted), needed);

describe("scope semantics", () => {
  it("a broad scope grants its granular forms", () => {
    expect(has("read", "read:statuses")).toBe(true);
    expect(has("write", "write:media")).toBe(true);
    expect(has("admin:read", "admin:read:accounts")).toBe(true);
  });

  it("a granular scope grants neither its parent nor its siblings", () => {
    expect(has("read:statuses", "read")).toBe(false);
    expect(has("read:statuses", "read:notifications")).toBe(false);
    expect(has("write:statuses", "read:statuses")).toBe(false);
  });

  it("admin:read grants no write, and no admin scope comes from read or write", () => {
    expect(has("admin:read", "admin:write:accounts")).toBe(false);
    expect(has("read write follow push", "admin:read:accounts")).toBe(false);
    expect(has("admin", "admin:read:accounts")).toBe(false);
  });

  it("follow grants the relationship scopes only", () => {
    for (const s of ["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"]) expect(has("follow", s)).toBe(true);
    expect(has("follow", "read:statuses")).toBe(false);
    expect(has("follow", "write:statuses")).toBe(false);
  });

  it("knows Mastodon's scopes and nothing else", () => {
    for (const s of ["read", "write:conversations", "read:search", "admin:write:canonical_email_blocks", "profile", "push"]) expect(isKnownScope(s)).toBe(true);
    for (const s of ["admin", "read:everything", "write:search", "READ", "read:", ""]) expect(isKnownScope(s)).toBe(false);
  });

  it("the more specific route pattern wins, whatever the table order", () => {
    expect(ruleFor("GET", "/api/v1/accounts/verify_credentials")?.path).toBe("/api/v1/accounts/verify_credentials");
    expect(ruleFor("GET", "/api/v1/accounts/123")?.path).toBe("/api/v1/accounts/:id");
    expect(ruleFor("HEAD", "/api/v1/accounts/123/")?.path).toBe("/api/v1/accounts/:id");
    expect(ruleFor("GET", "/api/v1/accounts/1/2")).toBeUndefined();
  });
});
