import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./index";
import { ApiError, buildQuery, onUnauthorized, parseLinkHeader, request, requestPage } from "./http";
import { jsonResponse } from "../testing/fixtures";

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
  document.cookie = "parvis_csrf=tok%2Fen-123; path=/";
});

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = "parvis_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/";
});

function lastCall(): { url: string; init: RequestInit; headers: Record<string, string> } {
  const [url, init] = fetchMock.mock.calls[fetchMock.mock.calls.length - 1];
  return { url: String(url), init: init ?? {}, headers: (init?.headers ?? {}) as Record<string, string> };
}

describe("parseLinkHeader", () => {
  it("reads next and prev cursors from a Mastodon Link header", () => {
    const links = parseLinkHeader(
      '<https://saint-martin.example/api/v1/timelines/home?limit=20&max_id=1099>; rel="next", <https://saint-martin.example/api/v1/timelines/home?limit=20&min_id=1120>; rel="prev"',
    );
    expect(links.next.params.max_id).toBe("1099");
    expect(links.prev.params.min_id).toBe("1120");
    expect(links.next.url).toBe("https://saint-martin.example/api/v1/timelines/home?limit=20&max_id=1099");
  });

  it("returns nothing for an absent or malformed header", () => {
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader("garbage")).toEqual({});
  });

  it("accepts unquoted rel values", () => {
    expect(parseLinkHeader("</x?max_id=5>; rel=next").next.params.max_id).toBe("5");
  });
});

describe("request", () => {
  it("sends the CSRF token from the cookie on a POST, with same-origin credentials", async () => {
    fetchMock.mockResolvedValue(jsonResponse({ id: "1" }));
    await request("POST", "/api/v1/statuses", { json: { status: "Bonjour" } });
    const { url, init, headers } = lastCall();
    expect(url).toBe("/api/v1/statuses");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(headers["X-CSRF-Token"]).toBe("tok/en-123");
    expect(headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(String(init.body))).toEqual({ status: "Bonjour" });
  });

  it("does not send the CSRF token on a GET", async () => {
    fetchMock.mockResolvedValue(jsonResponse([]));
    await request("GET", "/api/v1/timelines/home");
    expect(lastCall().headers["X-CSRF-Token"]).toBeUndefined();
    expect(lastCall().init.credentials).toBe("same-origin");
  });

  it("sends CSRF on DELETE and PATCH too", async () => {
    fetchMock.mockImplementation(async () => jsonResponse({}));
    await api.logout();
    expect(lastCall().init.method).toBe("DELETE");
    expect(lastCall().headers["X-CSRF-Token"]).toBe("tok/en-123");
    await api.updateCredentials(new FormData());
    expect(lastCall().init.method).toBe("PATCH");
    expect(lastCall().headers["X-CSRF-Token"]).toBe("tok/en-123");
    // multipart: the browser must set the boundary, so no Content-Type from us
    expect(lastCall().headers["Content-Type"]).toBeUndefined();
  });

  it("maps a 422 with details to a validation ApiError", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse({ error: "Validation failed: username is taken", details: { username: [{ error: "ERR_TAKEN", description: "is taken" }] } }, { status: 422 }),
    );
    const error = await request("POST", "/api/v1/accounts", { json: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.status).toBe(422);
    expect(e.kind).toBe("validation");
    expect(e.message).toBe("Validation failed: username is taken");
    expect(e.details?.username[0].error).toBe("ERR_TAKEN");
  });

  it("maps status codes to kinds", async () => {
    const kinds: [number, string][] = [
      [401, "unauthorized"],
      [403, "forbidden"],
      [404, "not_found"],
      [429, "rate_limited"],
      [500, "server"],
    ];
    for (const [status, kind] of kinds) {
      fetchMock.mockResolvedValueOnce(jsonResponse({ error: `e${status}` }, { status }));
      const e = (await request("GET", "/x").catch((x: unknown) => x)) as ApiError;
      expect(e.kind).toBe(kind);
      expect(e.message).toBe(`e${status}`);
    }
  });

  it("keeps a non-JSON error body from breaking the mapping", async () => {
    fetchMock.mockResolvedValue(new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const e = (await request("GET", "/x").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.kind).toBe("server");
    expect(e.message).toBe("Bad Gateway");
  });

  it("turns a failed fetch into a network ApiError", async () => {
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    const e = (await request("GET", "/x").catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.kind).toBe("network");
    expect(e.status).toBe(0);
  });
});

describe("lost sessions", () => {
  it("reports a 401 from the API, but not a wrong password at login", async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    fetchMock.mockImplementation(async () => jsonResponse({ error: "Invalid username or password" }, { status: 401 }));
    await api.login("marie", "wrong").catch(() => {});
    expect(listener).not.toHaveBeenCalled();
    await api.verifyCredentials().catch(() => {});
    expect(listener).toHaveBeenCalledTimes(1);
    off();
  });
});

describe("requestPage", () => {
  it("returns items and the cursors of the Link header", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse([{ id: "30" }, { id: "29" }], {
        headers: { Link: '<http://h/api/v1/timelines/public?max_id=29>; rel="next", <http://h/api/v1/timelines/public?min_id=30>; rel="prev"' },
      }),
    );
    const page = await requestPage<{ id: string }>("/api/v1/timelines/public", { local: true, max_id: "31" });
    expect(lastCall().url).toBe("/api/v1/timelines/public?local=true&max_id=31");
    expect(page.items.map((s) => s.id)).toEqual(["30", "29"]);
    expect(page.nextMaxId).toBe("29");
    expect(page.prevMinId).toBe("30");
  });

  it("has no next cursor without a Link header", async () => {
    fetchMock.mockResolvedValue(jsonResponse([]));
    const page = await requestPage("/api/v1/notifications");
    expect(page.nextMaxId).toBeNull();
  });
});

describe("query strings", () => {
  it("encodes arrays the Rails way and skips empty values", () => {
    expect(buildQuery({ id: ["1", "2"], q: "a b", empty: "", none: undefined })).toBe("?id%5B%5D=1&id%5B%5D=2&q=a+b");
  });

  it("asks relationships with id[]", async () => {
    fetchMock.mockResolvedValue(jsonResponse([]));
    await api.relationships(["7", "8"]);
    expect(decodeURIComponent(lastCall().url)).toBe("/api/v1/accounts/relationships?id[]=7&id[]=8");
  });

  it("asks the server to resolve remote accounts when searching", async () => {
    fetchMock.mockResolvedValue(jsonResponse({ accounts: [], statuses: [], hashtags: [] }));
    await api.search("@marie@autre-commune.fr", { type: "accounts", resolve: true });
    expect(lastCall().url).toBe("/api/v2/search?q=%40marie%40autre-commune.fr&type=accounts&resolve=true");
  });
});
