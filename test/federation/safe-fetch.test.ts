import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSafeFetch, type SafeFetchConfig, type SafeFetchErrorCode } from "../../federation/safe-fetch";
import { json, redirect, startTestServer, type TestServer } from "./support/http-server";

const AP = "application/activity+json";
const actor = { "@context": "https://www.w3.org/ns/activitystreams", id: "x", type: "Person" };
let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer({
    "/actor": json(AP, actor),
    "/ld": json('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', actor),
    "/ld-no-profile": json("application/ld+json", actor),
    "/plain-json": json("application/json", actor),
    "/html": (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html></html>");
    },
    "/big": (_req, res) => {
      const body = Buffer.alloc(2 * 1024 * 1024, 32);
      res.writeHead(200, { "content-type": AP, "content-length": String(body.length) });
      res.end(body);
    },
    "/big-chunked": (_req, res) => {
      res.writeHead(200, { "content-type": AP });
      for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024, 32));
      res.end();
    },
    "/gzip-bomb": (_req, res) => {
      const body = gzipSync(Buffer.alloc(8 * 1024 * 1024, 32));
      res.writeHead(200, { "content-type": AP, "content-encoding": "gzip", "content-length": String(body.length) });
      res.end(body);
    },
    "/gzip-small": (_req, res) => {
      const body = gzipSync(Buffer.from(JSON.stringify(actor)));
      res.writeHead(200, { "content-type": AP, "content-encoding": "gzip" });
      res.end(body);
    },
    "/redirect-once": redirect("/actor"),
    "/redirect-file": redirect("file:///etc/passwd"),
    "/silent": () => {
      // never answers
    },
    ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`/loop${i}`, redirect(`/loop${i + 1}`)])),
  });
  base = server.url;
}, 180_000);
afterAll(() => server.close());

function fetcher(config: Partial<SafeFetchConfig> = {}) {
  return createSafeFetch({ allowPrivateAddress: true, ...config });
}

async function refusal(promise: Promise<unknown>): Promise<SafeFetchErrorCode | "fulfilled"> {
  try {
    await promise;
    return "fulfilled";
  } catch (error) {
    return (error as { code: SafeFetchErrorCode }).code;
  }
}

describe("safe fetch: addresses", () => {
  it("refuses a loopback address when private addresses are not allowed", async () => {
    const f = fetcher({ allowPrivateAddress: false });
    expect(await refusal(f(`${base}/actor`, { contentTypes: "activitypub" }))).toBe("private-address");
  });

  it("refuses a host name that resolves to a loopback address", async () => {
    const f = fetcher({ allowPrivateAddress: false });
    expect(await refusal(f(`http://localhost:${server.port}/actor`, { contentTypes: "activitypub" }))).toBe("private-address");
  });

  it("refuses an IPv4-mapped IPv6 loopback address", async () => {
    const f = fetcher({ allowPrivateAddress: false });
    expect(await refusal(f(`http://[::ffff:127.0.0.1]:${server.port}/actor`, { contentTypes: "activitypub" }))).toBe("private-address");
  });

  it("refuses cloud metadata's link-local address", async () => {
    const f = fetcher({ allowPrivateAddress: false });
    expect(await refusal(f("http://169.254.169.254/latest/meta-data/", { contentTypes: "json" }))).toBe("private-address");
  });

  it("fetches from a private address when private addresses are allowed", async () => {
    const response = await fetcher()(`${base}/actor`, { contentTypes: "activitypub" });
    expect(response.json()).toEqual(actor);
  });

  it("refuses a redirect to a private address", async () => {
    // 127.0.0.1 plays a public server here; the redirect aims at 10.0.0.1 (never connected to).
    const f = fetcher({ allowPrivateAddress: false, isAllowedAddress: (ip) => ip === "127.0.0.1" });
    const hop = await startTestServer({ "/go": redirect("http://10.0.0.1/secret") });
    try {
      expect(await refusal(f(`${hop.url}/go`, { contentTypes: "activitypub" }))).toBe("private-address");
    } finally {
      await hop.close();
    }
  });
});

describe("safe fetch: schemes and redirects", () => {
  it.each(["file:///etc/passwd", "javascript:alert(1)", "data:application/json,{}", "ftp://example.org/x", "gopher://example.org/"])(
    "refuses the URL %s",
    async (url) => {
      expect(await refusal(fetcher()(url, { contentTypes: "json" }))).toBe("scheme");
    },
  );

  it("follows a redirect and reports the URL the document came from", async () => {
    const response = await fetcher()(`${base}/redirect-once`, { contentTypes: "activitypub" });
    expect(response.url).toBe(`${base}/actor`);
  });

  it("refuses a redirect to a file: URL", async () => {
    expect(await refusal(fetcher()(`${base}/redirect-file`, { contentTypes: "activitypub" }))).toBe("scheme");
  });

  it("refuses more than five redirects", async () => {
    expect(await refusal(fetcher()(`${base}/loop0`, { contentTypes: "activitypub" }))).toBe("too-many-redirects");
  });

  it("refuses a domain the federation policy blocks", async () => {
    const f = fetcher({ isHostAllowed: (host) => host !== `127.0.0.1:${server.port}` });
    expect(await refusal(f(`${base}/actor`, { contentTypes: "activitypub" }))).toBe("blocked-domain");
  });

  it("refuses a redirect into a blocked domain", async () => {
    const hop = await startTestServer({ "/go": redirect(`${base}/actor`) });
    try {
      const f = fetcher({ isHostAllowed: (host) => host !== `127.0.0.1:${server.port}` });
      expect(await refusal(f(`${hop.url}/go`, { contentTypes: "activitypub" }))).toBe("blocked-domain");
    } finally {
      await hop.close();
    }
  });

  it("gives up on a server that does not answer in time", async () => {
    const f = fetcher({ timeoutMs: 300 });
    expect(await refusal(f(`${base}/silent`, { contentTypes: "activitypub" }))).toBe("timeout");
  });
});

describe("safe fetch: content", () => {
  it("accepts application/ld+json with the ActivityStreams profile as ActivityPub", async () => {
    const response = await fetcher()(`${base}/ld`, { contentTypes: "activitypub" });
    expect(response.ok).toBe(true);
  });

  it("refuses application/ld+json without the ActivityStreams profile as ActivityPub", async () => {
    expect(await refusal(fetcher()(`${base}/ld-no-profile`, { contentTypes: "activitypub" }))).toBe("content-type");
  });

  it("refuses plain application/json as ActivityPub", async () => {
    expect(await refusal(fetcher()(`${base}/plain-json`, { contentTypes: "activitypub" }))).toBe("content-type");
  });

  it("accepts plain application/json for JSON documents", async () => {
    const response = await fetcher()(`${base}/plain-json`, { contentTypes: "json" });
    expect(response.json()).toEqual(actor);
  });

  it("refuses an HTML page", async () => {
    expect(await refusal(fetcher()(`${base}/html`, { contentTypes: "activitypub" }))).toBe("content-type");
  });

  it("refuses a response declared larger than the limit", async () => {
    expect(await refusal(fetcher()(`${base}/big`, { contentTypes: "activitypub" }))).toBe("too-large");
  });

  it("refuses a streamed response that grows past the limit", async () => {
    expect(await refusal(fetcher()(`${base}/big-chunked`, { contentTypes: "activitypub" }))).toBe("too-large");
  });

  it("refuses a compressed response that inflates past the limit", async () => {
    expect(await refusal(fetcher()(`${base}/gzip-bomb`, { contentTypes: "activitypub" }))).toBe("too-large");
  });

  it("reads a compressed response within the limit", async () => {
    const response = await fetcher()(`${base}/gzip-small`, { contentTypes: "activitypub" });
    expect(response.json()).toEqual(actor);
  });
});
