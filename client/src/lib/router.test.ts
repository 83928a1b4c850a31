import { describe, expect, it } from "vitest";
import { findRoute } from "../App";
import { safeNextPath } from "../screens/next";
import { matchPath } from "./router";

describe("matchPath", () => {
  it("matches literal segments and parameters", () => {
    expect(matchPath("/home", "/home")).toEqual({});
    expect(matchPath("/home", "/home/")).toEqual({});
    expect(matchPath("/tags/:tag", "/tags/march%C3%A9")).toEqual({ tag: "marché" });
    expect(matchPath("/home", "/local")).toBeNull();
  });

  it("matches a profile handle, local or remote, with the @ prefix", () => {
    expect(matchPath("/@:acct", "/@alice")).toEqual({ acct: "alice" });
    expect(matchPath("/@:acct", "/@marie@autre-commune.fr")).toEqual({ acct: "marie@autre-commune.fr" });
    expect(matchPath("/@:acct/:id", "/@alice/117658")).toEqual({ acct: "alice", id: "117658" });
    expect(matchPath("/@:acct", "/alice")).toBeNull();
    expect(matchPath("/@:acct", "/@")).toBeNull();
  });
});

describe("route table", () => {
  it("sends each address to its screen", () => {
    expect(findRoute("/")?.route.path).toBe("/");
    expect(findRoute("/@alice")?.route.path).toBe("/@:acct");
    expect(findRoute("/@alice/followers")?.route.path).toBe("/@:acct/followers");
    expect(findRoute("/@alice/123")?.route.path).toBe("/@:acct/:id");
    expect(findRoute("/notifications")?.route.access).toBe("user");
    expect(findRoute("/login")?.route.access).toBe("guest");
    expect(findRoute("/nowhere/at/all")).toBeNull();
  });
});

describe("safeNextPath", () => {
  it("only follows a login to a path of this site", () => {
    expect(safeNextPath("/notifications")).toBe("/notifications");
    expect(safeNextPath("//evil.example/x")).toBe("/home");
    expect(safeNextPath("https://evil.example")).toBe("/home");
    expect(safeNextPath("/\\evil.example")).toBe("/home");
    expect(safeNextPath(null)).toBe("/home");
  });
});
