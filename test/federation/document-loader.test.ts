import { FetchError, MemoryKvStore } from "@fedify/fedify";
import { Create } from "@fedify/vocab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentLoaderFactory, type SigningKey } from "../../federation/document-loader";
import { createSafeFetch } from "../../federation/safe-fetch";
import { json, redirect, startTestServer, type TestServer } from "./support/http-server";

const AP = "application/activity+json";
let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer({
    "/users/bob": (req, res) => json(AP, { id: `${base}/users/bob`, type: "Person" })(req, res),
    "/moved": redirect("/users/bob"),
    // claims to be someone else: the loader reports where it really came from
    "/liar": json(AP, { id: "https://victim.example/users/admin", type: "Person" }),
    "/upload.json": json("application/json", { id: "x", type: "Person" }),
    "/gone": json(AP, { type: "Tombstone" }, 410),
    "/context": json("application/ld+json", { "@context": { foo: "https://example.org/foo" } }),
    "/deep": (_req, res) => {
      res.writeHead(200, { "content-type": AP });
      res.end(`{"id":"x","type":"Note","attachment":${"[".repeat(5_000)}${"]".repeat(5_000)}}`);
    },
    "/crowded": json(AP, { id: "x", type: "Person", attachment: Array.from({ length: 3_000 }, () => ({})) }),
    "/big-context": json("application/ld+json", { "@context": Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`t${i}`, `https://example.org/${i}`])) }),
  });
  base = server.url;
}, 180_000);
afterAll(() => server.close());

const safeFetch = () => createSafeFetch({ allowPrivateAddress: true });


describe("document loader", () => {
  it("loads an ActivityPub document", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "object")();
    const doc = await load(`${base}/users/bob`);
    expect((doc.document as { type: string }).type).toBe("Person");
  });

  it("reports the URL a redirected document came from", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "object")();
    expect((await load(`${base}/moved`)).documentUrl).toBe(`${base}/users/bob`);
  });

  it("reports the fetched URL, not the id a document claims", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "object")();
    expect((await load(`${base}/liar`)).documentUrl).toBe(`${base}/liar`);
  });

  it("refuses a JSON file served as application/json as an object", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "object")();
    await expect(load(`${base}/upload.json`)).rejects.toThrow(/content-type/);
  });

  it("loads a JSON-LD context served as application/ld+json", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "context")();
    expect((await load(`${base}/context`)).document).toEqual({ "@context": { foo: "https://example.org/foo" } });
  });

  it("refuses a document nested 5,000 deep before any JSON-LD processing", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "object")();
    await expect(load(`${base}/deep`)).rejects.toThrow(/nested deeper than 32 levels/);
  });

  it("refuses an object with more than 2,000 values", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "object")();
    await expect(load(`${base}/crowded`)).rejects.toThrow(/more than 2000 values/);
  });

  it("loads a context of 3,000 terms (contexts may hold 10,000 values)", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "context")();
    const doc = await load(`${base}/big-context`);
    expect(Object.keys((doc.document as { "@context": object })["@context"])).toHaveLength(3_000);
  });

  it("answers the ActivityStreams context from the preloaded copy, without a request", async () => {
    const before = server.requests.length;
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "context")();
    const doc = await load("https://www.w3.org/ns/activitystreams");
    expect([Boolean(doc.document), server.requests.length - before]).toEqual([true, 0]);
  });

  it("lets the JSON-LD processor keep a bundled context between documents", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "context")();
    let loads = 0;
    const counting: typeof load = (url, options) => {
      loads++;
      return load(url, options);
    };
    const activity = (n: number) => ({
      "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      id: `https://voisins.example/activities/${n}`,
      type: "Create",
      actor: "https://voisins.example/users/irene",
      object: { id: `https://voisins.example/notes/${n}`, type: "Note", content: "Bonjour" },
    });
    for (let n = 0; n < 5; n++) {
      const parsed = await Create.fromJsonLd(activity(n), { contextLoader: counting, documentLoader: counting });
      expect(parsed.id?.href).toBe(`https://voisins.example/activities/${n}`);
    }
    // each context once for the process at most, not once per document
    expect(loads).toBeLessThanOrEqual(2);
  });

  it("throws a FetchError carrying the status of a gone document", async () => {
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch() }, "object")();
    const error = await load(`${base}/gone`).catch((e: unknown) => e);
    expect([error instanceof FetchError, (error as FetchError).response?.status]).toEqual([true, 410]);
  });

  it("does not serve from its cache a document of a domain blocked since", async () => {
    let blocked = false;
    const options = { safeFetch: safeFetch(), kv: new MemoryKvStore(), isHostAllowed: () => !blocked };
    const load = createDocumentLoaderFactory(options, "object")();
    await load(`${base}/users/bob`);
    blocked = true;
    await expect(load(`${base}/users/bob`)).rejects.toThrow(/not allowed/);
  });

  it("signs its requests with the instance actor's key", async () => {
    const pair = await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
    const signer = async (): Promise<SigningKey> => ({ keyId: new URL("https://parvis.test/actor#main-key"), privateKey: pair.privateKey });
    const load = createDocumentLoaderFactory({ safeFetch: safeFetch(), signer }, "object")();
    const before = server.requests.length;
    await load(`${base}/users/bob`);
    const request = server.requests[before];
    expect(String(request.headers.signature ?? request.headers["signature-input"])).toContain("https://parvis.test/actor#main-key");
  });
});
