// GET /api/v1/accounts/verify_credentials and PATCH /api/v1/accounts/update_credentials:
// who may call them, sanitized text, fields in JSON and form encoding, avatar uploads.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, users } from "../../server/db/schema";
import { issueToken } from "../../server/auth/tokens";
import { createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { counts, expectError, mediaFiles, oversizedJson, pngBytes } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

let alice: Resident;
beforeEach(async () => {
  alice = await createResident(t, "alice");
});

const verify = (auth?: string) => {
  const req = t.http.get("/api/v1/accounts/verify_credentials");
  return auth ? req.set("Authorization", auth) : req;
};
const update = (body: Record<string, unknown>, auth = alice.auth) => t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", auth).send(body);
const storedAccount = async () => (await t.services.db.select().from(accounts).where(eq(accounts.id, alice.account.id)))[0];

describe("GET /api/v1/accounts/verify_credentials", () => {
  it("a resident reads her own account with its source and role", async () => {
    const res = await verify(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: alice.account.id,
      username: "alice",
      acct: "alice",
      display_name: "",
      locked: false,
      followers_count: 0,
      following_count: 0,
      statuses_count: 0,
      url: expect.stringContaining("alice"),
      avatar: `${t.config.origin}/avatars/original/missing.png`,
      source: { privacy: "public", sensitive: false, language: "fr", note: "", fields: [], follow_requests_count: 0 },
      role: { name: "" },
    });
  });

  it("without a token verify_credentials is refused with 401", async () => {
    expectError(await verify(), 401);
  });

  it("a garbage token is refused with 401", async () => {
    expectError(await verify("Bearer not-a-token"), 401);
  });

  it("a token signed with another secret is refused with 401", async () => {
    const [, payload] = alice.token.split(".");
    const forged = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${payload}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    expectError(await verify(`Bearer ${forged}`), 401);
  });

  it("an authorization header that is not a bearer token is refused with 401", async () => {
    expectError(await verify("Basic YWxpY2U6cGFzc3dvcmQ="), 401);
  });

  it("a revoked token is refused", async () => {
    await t.http.post("/oauth/revoke").send({ token: alice.token });
    expectError(await verify(alice.auth), 401);
  });

  it("a suspended resident's token is refused", async () => {
    await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, alice.account.id));
    expectError(await verify(alice.auth), 401);
  });

  it("a disabled resident's token is refused", async () => {
    await t.services.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, alice.user.id));
    expectError(await verify(alice.auth), 401);
  });

  it("a pending resident's token is refused", async () => {
    await t.services.db.update(users).set({ approved: false }).where(eq(users.id, alice.user.id));
    expectError(await verify(alice.auth), 401);
  });

  it("a token without the read scope cannot read the account", async () => {
    const { accessToken } = await issueToken(t.services.domain, { userId: alice.user.id, scopes: "write" });
    expectError(await verify(`Bearer ${accessToken}`), 403, /scope/);
  });

  it("a token with the read:accounts scope can read the account", async () => {
    const { accessToken } = await issueToken(t.services.domain, { userId: alice.user.id, scopes: "read:accounts" });
    expect((await verify(`Bearer ${accessToken}`)).status).toBe(200);
  });

  it("an admin's role is shown", async () => {
    const admin = await createResident(t, "mayor", { role: "admin" });
    const res = await verify(admin.auth);
    expect(res.body.role).toMatchObject({ name: "Admin", permissions: "1" });
    expect(res.body.roles).toEqual([{ id: "3", name: "Admin", color: "" }]);
  });
});

describe("PATCH /api/v1/accounts/update_credentials", () => {
  it("a resident changes her display name", async () => {
    const res = await update({ display_name: "Alice Martin" });
    expect(res.status).toBe(200);
    expect(res.body.display_name).toBe("Alice Martin");
    expect((await t.http.get(`/api/v1/accounts/${alice.account.id}`)).body.display_name).toBe("Alice Martin");
  });

  it("a note becomes HTML with links and hashtags, and keeps its source", async () => {
    const res = await update({ note: "Bénévole au #marché\nhttps://example.org/asso" });
    expect(res.status).toBe(200);
    expect(res.body.note).toContain(`<a href="${t.config.origin}/tags/march`);
    expect(res.body.note).toContain('class="mention hashtag"');
    expect(res.body.note).toContain('<a href="https://example.org/asso" rel="nofollow noopener noreferrer" target="_blank">');
    expect(res.body.note).toContain("<br>");
    expect(res.body.source.note).toBe("Bénévole au #marché\nhttps://example.org/asso");
  });

  it("a <script> in the note never survives as markup", async () => {
    const res = await update({ note: '<script>alert(1)</script><img src=x onerror="alert(2)">' });
    expect(res.status).toBe(200);
    expect(res.body.note).not.toMatch(/<script|<img/i);
    expect(res.body.note).toContain("&lt;script&gt;");
    expect((await storedAccount()).note).not.toMatch(/<script/i);
  });

  it("a <script> in the display name never survives", async () => {
    const res = await update({ display_name: "Al<script>alert(1)</script>ice" });
    expect(res.status).toBe(200);
    expect(res.body.display_name).not.toMatch(/<script/i);
    expect(res.body.display_name).toBe("Alice");
  });

  it("a SQL-looking display name is stored as plain text", async () => {
    const res = await update({ display_name: "'; drop table accounts; --" });
    expect(res.status).toBe(200);
    expect(res.body.display_name).toBe("'; drop table accounts; --");
    expect((await counts(t)).accounts).toBe(1);
  });

  it("a resident locks and unlocks her account", async () => {
    expect((await update({ locked: true })).body.locked).toBe(true);
    expect((await storedAccount()).locked).toBe(true);
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).type("form").send({ locked: "false" });
    expect(res.status).toBe(200);
    expect(res.body.locked).toBe(false);
  });

  it("profile fields can be sent as a JSON array", async () => {
    const res = await update({
      fields_attributes: [
        { name: "Quartier", value: "Centre" },
        { name: "Site", value: "https://example.org" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.fields).toHaveLength(2);
    expect(res.body.fields[0]).toEqual({ name: "Quartier", value: "Centre", verified_at: null });
    expect(res.body.fields[1].value).toContain('<a href="https://example.org"');
    // the source keeps what was typed, as Mastodon's does
    expect(res.body.source.fields[1].value).toBe("https://example.org");
  });

  it("profile fields can be sent in form encoding", async () => {
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", alice.auth)
      .type("form")
      .send("fields_attributes[0][name]=Quartier&fields_attributes[0][value]=Centre&fields_attributes[1][name]=Asso&fields_attributes[1][value]=Jardins");
    expect(res.status).toBe(200);
    expect(res.body.fields.map((f: { name: string; value: string }) => [f.name, f.value])).toEqual([
      ["Quartier", "Centre"],
      ["Asso", "Jardins"],
    ]);
  });

  it("form-encoded fields keep their numeric order", async () => {
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", alice.auth)
      .type("form")
      .send("fields_attributes[1][name]=Second&fields_attributes[1][value]=2&fields_attributes[0][name]=First&fields_attributes[0][value]=1");
    expect(res.status).toBe(200);
    expect(res.body.fields.map((f: { name: string }) => f.name)).toEqual(["First", "Second"]);
  });

  it("markup in profile fields is stripped", async () => {
    const res = await update({ fields_attributes: [{ name: "<b onclick=x>Nom</b>", value: "<script>alert(1)</script>" }] });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.fields)).not.toMatch(/<script|onclick|<b/i);
  });

  it("more than four profile fields are refused and nothing changes", async () => {
    const fields = Array.from({ length: 5 }, (_, i) => ({ name: `n${i}`, value: `v${i}` }));
    const res = await update({ display_name: "Changed", fields_attributes: fields });
    expectError(res, 422, /fields/);
    const row = await storedAccount();
    expect(row.fields).toEqual([]);
    expect(row.displayName).toBe("");
  });

  it("a display name over 30 characters is refused and nothing changes", async () => {
    const res = await update({ display_name: "x".repeat(31), note: "new bio" });
    expectError(res, 422, /display name/i);
    const row = await storedAccount();
    expect(row.displayName).toBe("");
    expect(row.noteSource).toBe("");
  });

  it("a note over 500 characters is refused", async () => {
    const res = await update({ note: "x".repeat(501) });
    expectError(res, 422, /bio/i);
    expect((await storedAccount()).noteSource).toBe("");
  });

  it("an unsupported interface language is refused and nothing changes", async () => {
    const res = await update({ display_name: "Changed", source: { language: "xx" } });
    expectError(res, 422, /language/i);
    expect((await storedAccount()).displayName).toBe("");
  });

  it("a supported interface language is stored", async () => {
    const res = await update({ source: { language: "en" } });
    expect(res.status).toBe(200);
    expect(res.body.source.language).toBe("en");
    expect((await verify(alice.auth)).body.source.language).toBe("en");
  });

  it("wrong types are refused with 422 and nothing changes", async () => {
    for (const body of [{ display_name: 42 }, { locked: "maybe" }, { note: ["a"] }, { fields_attributes: "Quartier" }, { fields_attributes: [{ name: 1, value: 2 }] }]) {
      expectError(await update(body), 422);
    }
    const row = await storedAccount();
    expect({ displayName: row.displayName, locked: row.locked, fields: row.fields }).toEqual({ displayName: "", locked: false, fields: [] });
  });

  it("a malformed JSON body is refused with 400", async () => {
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).set("Content-Type", "application/json").send('{"display_name":');
    expectError(res, 400);
  });

  it("a JSON body over 256 kB is refused with 413", async () => {
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).set("Content-Type", "application/json").send(oversizedJson());
    expectError(res, 413);
  });

  it("without a token the profile cannot be changed", async () => {
    const res = await t.http.patch("/api/v1/accounts/update_credentials").send({ display_name: "Mallory" });
    expectError(res, 401);
    expect((await storedAccount()).displayName).toBe("");
  });

  it("a revoked token cannot change the profile", async () => {
    await t.http.post("/oauth/revoke").send({ token: alice.token });
    expectError(await update({ display_name: "Mallory" }), 401);
    expect((await storedAccount()).displayName).toBe("");
  });

  it("a suspended resident cannot change her profile", async () => {
    await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, alice.account.id));
    expectError(await update({ display_name: "Mallory" }), 401);
    expect((await storedAccount()).displayName).toBe("");
  });

  it("one resident's token only ever changes her own profile", async () => {
    const bob = await createResident(t, "bob");
    const res = await update({ display_name: "Bob B." }, bob.auth);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(bob.account.id);
    expect((await storedAccount()).displayName).toBe("");
  });
});

describe("avatar upload", () => {
  it("a real PNG avatar is accepted and served under /media", async () => {
    const png = pngBytes();
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).attach("avatar", png, { filename: "me.png", contentType: "image/png" });
    expect(res.status).toBe(200);
    expect(res.body.avatar).toMatch(new RegExp(`^${t.config.origin}/media/\\d+\\.png$`));
    const served = await t.http.get(new URL(res.body.avatar).pathname).buffer(true);
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
    expect(Buffer.compare(served.body as Buffer, png)).toBe(0);
  });

  it("multipart text fields are applied with the avatar", async () => {
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", alice.auth)
      .field("display_name", "Alice M.")
      .field("fields_attributes[0][name]", "Quartier")
      .field("fields_attributes[0][value]", "Centre")
      .attach("avatar", pngBytes(), { filename: "me.png", contentType: "image/png" });
    expect(res.status).toBe(200);
    expect(res.body.display_name).toBe("Alice M.");
    expect(res.body.fields[0]).toMatchObject({ name: "Quartier", value: "Centre" });
  });

  it("a text file named .png is refused with 422 and nothing is stored", async () => {
    const before = mediaFiles(t);
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", alice.auth)
      .attach("avatar", Buffer.from("#!/bin/sh\necho not an image, definitely not\n"), { filename: "evil.png", contentType: "image/png" });
    expectError(res, 422, /type/i);
    expect((await storedAccount()).avatarUrl).toBeNull();
    expect(mediaFiles(t)).toEqual(before);
  });

  it("an avatar with a path in its file name is stored under a name of ours", async () => {
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", alice.auth)
      .attach("avatar", pngBytes(), { filename: "../../etc/passwd", contentType: "image/png" });
    expect(res.status).toBe(200);
    expect(res.body.avatar).toMatch(/\/media\/\d+\.png$/);
  });

  it("a valid avatar sent with an invalid field is refused and leaves no file behind", async () => {
    const before = mediaFiles(t);
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", alice.auth)
      .field("display_name", "x".repeat(31))
      .attach("avatar", pngBytes(), { filename: "me.png", contentType: "image/png" });
    expectError(res, 422);
    expect((await storedAccount()).avatarUrl).toBeNull();
    expect(mediaFiles(t)).toEqual(before);
  });

  it("an avatar over 8 MB is refused with 422", async () => {
    const before = mediaFiles(t);
    const big = Buffer.concat([pngBytes(), Buffer.alloc(8 * 1024 * 1024)]);
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).attach("avatar", big, { filename: "big.png", contentType: "image/png" });
    expectError(res, 422, /large/i);
    expect(mediaFiles(t)).toEqual(before);
  });

  it("an upload without a token is refused with 401 and stores nothing", async () => {
    const before = mediaFiles(t);
    const res = await t.http.patch("/api/v1/accounts/update_credentials").attach("avatar", pngBytes(), { filename: "me.png", contentType: "image/png" });
    expectError(res, 401);
    expect(mediaFiles(t)).toEqual(before);
  });

  it("a path out of the media directory is never served", async () => {
    for (const path of ["/media/..%2F..%2Fetc%2Fpasswd", "/media/%2e%2e/%2e%2e/etc/passwd", "/media/../../../etc/passwd"]) {
      const res = await t.http.get(path);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain("root:");
    }
  });
});
