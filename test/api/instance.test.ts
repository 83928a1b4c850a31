// The instance description: GET /api/v1/instance, /api/v2/instance,
// /api/v1/instance/rules, and /healthz.
import { describe, expect, it } from "vitest";
import { addRule, setSetting } from "../../server/domain/instance";
import { createResident } from "../helpers/factories";
import { startInstance, useTestInstance, type TestInstance } from "../helpers/instance";
import { expectError, setRegistrationMode } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

describe("GET /api/v2/instance", () => {
  it("the instance describes the commune from the environment", async () => {
    const res = await t.http.get("/api/v2/instance");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      domain: t.config.domain,
      title: "Testville",
      version: expect.stringMatching(/^4\.\d+\.\d+ \(compatible; Parvis /),
      languages: expect.arrayContaining(["fr"]),
      api_versions: { mastodon: expect.any(Number) },
      parvis: { commune_name: "Testville", insee_code: "75056", registration_mode: "open" },
    });
  });

  it("the configuration gives the status length limit", async () => {
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.configuration.statuses).toMatchObject({ max_characters: 5000, max_media_attachments: expect.any(Number) });
    expect(res.body.configuration.urls.streaming).toMatch(/^ws:\/\//);
  });

  it("open registrations are announced as enabled without approval", async () => {
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.registrations).toMatchObject({ enabled: true, approval_required: false });
  });

  it("approval mode is announced as enabled with approval", async () => {
    await setRegistrationMode(t, "approval");
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.registrations).toMatchObject({ enabled: true, approval_required: true });
    expect(res.body.parvis.registration_mode).toBe("approval");
  });

  it("closed registrations are announced as disabled", async () => {
    await setRegistrationMode(t, "closed");
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.registrations).toMatchObject({ enabled: false, approval_required: false });
  });

  it("the first admin is the contact account", async () => {
    await createResident(t, "someone");
    const mayor = await createResident(t, "mayor", { role: "admin" });
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.contact.account).toMatchObject({ id: mayor.account.id, username: "mayor" });
  });

  it("without an admin the contact account is null", async () => {
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.contact.account).toBeNull();
  });

  it("a description set by the admin is shown", async () => {
    await setSetting(t.services.domain, "description", "La commune de Testville, en ligne.");
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.description).toBe("La commune de Testville, en ligne.");
  });

  it("the instance answers without a token", async () => {
    const res = await t.http.get("/api/v2/instance");
    expect(res.status).toBe(200);
  });

  it("an invalid token is refused even here", async () => {
    expectError(await t.http.get("/api/v2/instance").set("Authorization", "Bearer nope"), 401);
  });
});

describe("GET /api/v1/instance", () => {
  it("the v1 instance describes the commune", async () => {
    const res = await t.http.get("/api/v1/instance");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      uri: t.config.domain,
      title: "Testville",
      registrations: true,
      approval_required: false,
      invites_enabled: false,
      configuration: { statuses: { max_characters: 5000 } },
      parvis: { commune_name: "Testville", insee_code: "75056" },
    });
  });

  it("the v1 statistics count approved residents and local posts", async () => {
    const alice = await createResident(t, "alice");
    await createResident(t, "bob");
    await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Bonjour Testville" });
    const res = await t.http.get("/api/v1/instance");
    expect(res.body.stats).toEqual({ user_count: 2, status_count: 1, domain_count: 0 });
  });

  it("closed registrations are shown in v1", async () => {
    await setRegistrationMode(t, "closed");
    const res = await t.http.get("/api/v1/instance");
    expect(res.body).toMatchObject({ registrations: false, approval_required: false });
  });

  it("approval mode is shown in v1", async () => {
    await setRegistrationMode(t, "approval");
    const res = await t.http.get("/api/v1/instance");
    expect(res.body).toMatchObject({ registrations: true, approval_required: true });
  });
});

describe("GET /api/v1/instance/rules", () => {
  it("an instance without rules lists none", async () => {
    const res = await t.http.get("/api/v1/instance/rules");
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it("rules are listed in their order, in v1, v2 and on their own", async () => {
    await addRule(t.services.domain, "Be kind to neighbours");
    await addRule(t.services.domain, "No advertising", "Local shops may announce events");
    const res = await t.http.get("/api/v1/instance/rules");
    expect(res.body).toEqual([
      { id: expect.any(String), text: "Be kind to neighbours", hint: "" },
      { id: expect.any(String), text: "No advertising", hint: "Local shops may announce events" },
    ]);
    expect((await t.http.get("/api/v2/instance")).body.rules).toEqual(res.body);
    expect((await t.http.get("/api/v1/instance")).body.rules).toEqual(res.body);
  });
});

describe("GET /healthz", () => {
  it("a healthy instance answers ok", async () => {
    const res = await t.http.get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });
});

describe("an instance configured otherwise", () => {
  it("the status length limit and registration mode come from the environment", async () => {
    const other = await startInstance({ env: { PARVIS_MAX_STATUS_CHARS: "1234", PARVIS_REGISTRATION_MODE: "approval", PARVIS_COMMUNE_NAME: "Autreville" } });
    try {
      const res = await other.http.get("/api/v2/instance");
      expect(res.body).toMatchObject({
        title: "Autreville",
        configuration: { statuses: { max_characters: 1234 } },
        registrations: { enabled: true, approval_required: true },
      });
    } finally {
      await other.stop();
    }
  });
});
