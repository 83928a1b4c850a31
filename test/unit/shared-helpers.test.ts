// Small helpers with one home each: rowsOf (db/rows.ts), isLocalUrl (urls.ts),
// sameSecret (auth/secrets.ts), isId (ids.ts).
import { describe, expect, it } from "vitest";
import { sameSecret } from "../../server/auth/secrets";
import { rowsOf } from "../../server/db/rows";
import { isId } from "../../server/ids";
import { isLocalUrl } from "../../server/urls";

describe("rowsOf", () => {
  it("reads the rows of a driver result, or a bare array", () => {
    expect(rowsOf<{ n: number }>({ rows: [{ n: 1 }] })).toEqual([{ n: 1 }]);
    expect(rowsOf<{ n: number }>([{ n: 2 }])).toEqual([{ n: 2 }]);
  });

  it("gives no rows for a result without any", () => {
    expect(rowsOf({})).toEqual([]);
    expect(rowsOf(undefined)).toEqual([]);
  });
});

describe("isLocalUrl", () => {
  const origin = "https://ville.example";

  it("same scheme, host and port is local", () => {
    expect(isLocalUrl(origin, new URL("https://ville.example/users/alice"))).toBe(true);
    expect(isLocalUrl("https://ville.example/", new URL("https://VILLE.example:443/@alice"))).toBe(true);
  });

  it("another host, scheme or port is not", () => {
    expect(isLocalUrl(origin, new URL("https://autre.example/users/alice"))).toBe(false);
    expect(isLocalUrl(origin, new URL("http://ville.example/users/alice"))).toBe(false);
    expect(isLocalUrl(origin, new URL("https://ville.example:8443/users/alice"))).toBe(false);
    expect(isLocalUrl(origin, new URL("https://ville.example.evil.example/"))).toBe(false);
  });
});

describe("sameSecret", () => {
  it("equal strings only", () => {
    expect(sameSecret("s3cret", "s3cret")).toBe(true);
    expect(sameSecret("s3cret", "s3creT")).toBe(false);
    expect(sameSecret("s3cret", "s3cret-")).toBe(false);
    expect(sameSecret("", "x")).toBe(false);
  });

  it("compares bytes, not UTF-16 units", () => {
    expect(sameSecret("é", "é")).toBe(true);
    expect(sameSecret("é", "e\u0301")).toBe(false);
  });
});

describe("isId", () => {
  it("digits that fit a signed 64-bit integer", () => {
    expect(isId("1")).toBe(true);
    expect(isId("9223372036854775807")).toBe(true);
  });

  it("refuses anything else", () => {
    for (const value of ["", "9223372036854775808", "99999999999999999999", "-1", "1e3", " 1", "1 ", "١٢", 12, null]) expect(isId(value), String(value)).toBe(false);
  });
});
