import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSafeFetch } from "../../federation/safe-fetch";
import { lookupWebFinger, parseHandle } from "../../federation/webfinger";
import { createResident } from "../helpers/factories";
import { json, startTestServer, type TestServer } from "./support/http-server";
import { startFederatedInstance, type FederatedInstance } from "./support/instance";

describe("parseHandle", () => {
  it.each([
    ["@alice@commune.fr", { username: "alice", host: "commune.fr" }],
    ["alice@Localhost:3101", { username: "alice", host: "localhost:3101" }],
    ["acct:alice@commune.fr", { username: "alice", host: "commune.fr" }],
  ])("reads %s", (input, expected) => {
    expect(parseHandle(input)).toEqual(expected);
  });

  it.each(["alice", "@alice", "alice@", "alice@evil.example/path", "alice@host:99999999", "a b@c.fr"])("rejects %s", (input) => {
    expect(parseHandle(input)).toBeNull();
  });
});

describe("lookupWebFinger", () => {
  let t: FederatedInstance;
  let server: TestServer;

  beforeAll(async () => {
    t = await startFederatedInstance();
    await createResident(t, "alice");
    server = await startTestServer({
      "/.well-known/webfinger": json("application/jrd+json", {
        subject: "acct:mallory@x",
        links: [{ rel: "self", type: "application/activity+json", href: "javascript:alert(1)" }],
      }),
    });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await t?.stop();
  });

  it("resolves a resident of a Parvis on a loopback port over http", async () => {
    const safeFetch = createSafeFetch({ allowPrivateAddress: true });
    const result = await lookupWebFinger(safeFetch, parseHandle(`alice@${t.config.domain}`)!, { allowPrivateAddress: true });
    expect(result?.actorUrl?.href).toBe(`${t.config.origin}/users/alice`);
  });

  it("answers null for an unknown resident", async () => {
    const safeFetch = createSafeFetch({ allowPrivateAddress: true });
    expect(await lookupWebFinger(safeFetch, parseHandle(`nobody@${t.config.domain}`)!, { allowPrivateAddress: true })).toBeNull();
  });

  it("ignores a self link that is not an http(s) URL", async () => {
    const safeFetch = createSafeFetch({ allowPrivateAddress: true });
    const result = await lookupWebFinger(safeFetch, parseHandle(`mallory@127.0.0.1:${server.port}`)!, { allowPrivateAddress: true });
    expect(result?.actorUrl).toBeNull();
  });

  it("does not reach a loopback server when private addresses are not allowed", async () => {
    const safeFetch = createSafeFetch({ allowPrivateAddress: false });
    await expect(
      lookupWebFinger(safeFetch, parseHandle(`alice@${t.config.domain}`)!, { allowPrivateAddress: false }),
    ).rejects.toMatchObject({ code: "private-address" });
  });
});
