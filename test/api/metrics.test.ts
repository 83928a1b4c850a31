// GET /metrics: Prometheus text for admins, a scraper holding
// PARVIS_METRICS_TOKEN, or a client on this machine when no proxy can be in
// front; HTTP series labelled by route pattern, never by raw URL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loopbackMayRead } from "../../server/api/metrics";
import { issueToken } from "../../server/auth/tokens";
import { createResident } from "../helpers/factories";
import { startInstance, type TestInstance } from "../helpers/instance";

const METRICS_TOKEN = "scraper-secret-scraper-secret-0123456789";

let direct: TestInstance;
let proxied: TestInstance;

beforeAll(async () => {
  direct = await startInstance();
  proxied = await startInstance({ env: { PARVIS_TRUST_PROXY: "true", PARVIS_METRICS_TOKEN: METRICS_TOKEN } });
}, 180_000);
afterAll(async () => {
  await direct?.stop();
  await proxied?.stop();
});
beforeEach(async () => {
  await direct.reset();
  await proxied.reset();
});

async function token(t: TestInstance, role: "resident" | "admin", scopes: string, kind: "api" | "web" = "api"): Promise<string> {
  const resident = await createResident(t, undefined, { role });
  return (await issueToken(t.services.domain, { userId: resident.user.id, scopes, kind })).accessToken;
}

describe("GET /metrics without a proxy in front", () => {
  it("answers a client on this machine in Prometheus text format", async () => {
    const res = await direct.http.get("/metrics");
    expect([res.status, res.headers["content-type"], res.text.includes("# TYPE parvis_http_requests_total counter")]).toEqual([
      200,
      "text/plain; version=0.0.4; charset=utf-8",
      true,
    ]);
  });

  it("labels HTTP series by route pattern and status class, never by the raw URL", async () => {
    await direct.http.get("/api/v1/statuses/987654321987654321");
    await direct.http.get("/api/v1/statuses/not-an-id%27%20or%201=1");
    const text = (await direct.http.get("/metrics")).text;
    const lines = text.split("\n").filter((l) => l.startsWith("parvis_http_requests_total{"));
    expect([
      lines.some((l) => l.includes('route="/api/v1/statuses/:id"') && l.includes('method="GET"') && l.includes('status_class="4xx"')),
      text.includes("987654321987654321"),
      text.includes("or 1=1"),
    ]).toEqual([true, false, false]);
  });

  it("refuses a local request that carries forwarding headers (a proxy on this machine)", async () => {
    const res = await direct.http.get("/metrics").set("X-Forwarded-For", "203.0.113.7");
    expect([res.status, res.body.error, res.text.includes("parvis_")]).toEqual([403, "This action is not allowed", false]);
  });

  it("refuses a resident's token, even from this machine", async () => {
    const res = await direct.http.get("/metrics").set("Authorization", `Bearer ${await token(direct, "resident", "read admin:read")}`);
    expect(res.status).toBe(403);
  });

  it("answers 401 to a bearer token that is not valid", async () => {
    const res = await direct.http.get("/metrics").set("Authorization", "Bearer ' or 1=1 --");
    expect(res.status).toBe(401);
  });

  it("answers 404 to other methods", async () => {
    const res = await direct.http.post("/metrics").send({ a: 1 });
    expect(res.status).toBe(404);
  });
});

describe("GET /metrics behind a trusted proxy", () => {
  it("refuses a loopback client without credentials: the proxy is the one on loopback", async () => {
    const plain = await proxied.http.get("/metrics");
    const spoofed = await proxied.http.get("/metrics").set("X-Forwarded-For", "127.0.0.1");
    expect([plain.status, spoofed.status]).toEqual([403, 403]);
  });

  it("refuses an admin token without the admin:read scope", async () => {
    const res = await proxied.http.get("/metrics").set("Authorization", `Bearer ${await token(proxied, "admin", "read write")}`);
    expect(res.status).toBe(403);
  });

  it("answers an admin token with the admin:read scope", async () => {
    const res = await proxied.http.get("/metrics").set("Authorization", `Bearer ${await token(proxied, "admin", "admin:read")}`);
    expect([res.status, res.text.includes("parvis_http_request_duration_seconds_bucket")]).toEqual([200, true]);
  });

  it("answers an admin's web session, not a resident's", async () => {
    const admin = await proxied.http.get("/metrics").set("Cookie", `parvis_session=${await token(proxied, "admin", "read write follow", "web")}`);
    const resident = await proxied.http.get("/metrics").set("Cookie", `parvis_session=${await token(proxied, "resident", "read write follow", "web")}`);
    expect([admin.status, resident.status]).toEqual([200, 403]);
  });

  it("answers the scraper token, and 401 to a wrong one", async () => {
    const good = await proxied.http.get("/metrics").set("Authorization", `Bearer ${METRICS_TOKEN}`).set("X-Forwarded-For", "198.51.100.4");
    const bad = await proxied.http.get("/metrics").set("Authorization", `Bearer ${METRICS_TOKEN}x`);
    expect([good.status, bad.status]).toEqual([200, 401]);
  });
});

describe("loopbackMayRead", () => {
  const policy = { trustProxy: false, metricsLoopback: true };

  it("refuses a client from another machine", () => {
    expect(loopbackMayRead({ socketAddress: "203.0.113.9", headers: {} }, policy)).toBe(false);
  });

  it("accepts IPv4, IPv6 and IPv4-mapped loopback addresses", () => {
    expect(["127.0.0.1", "::1", "::ffff:127.0.0.1"].map((a) => loopbackMayRead({ socketAddress: a, headers: {} }, policy))).toEqual([true, true, true]);
  });

  it("refuses loopback when PARVIS_METRICS_LOOPBACK is off", () => {
    expect(loopbackMayRead({ socketAddress: "127.0.0.1", headers: {} }, { ...policy, metricsLoopback: false })).toBe(false);
  });

  it("refuses a loopback request forwarded with a Forwarded or Via header", () => {
    expect(
      [{ forwarded: "for=203.0.113.9" }, { via: "1.1 proxy" }].map((headers) => loopbackMayRead({ socketAddress: "127.0.0.1", headers }, policy)),
    ).toEqual([false, false]);
  });
});
