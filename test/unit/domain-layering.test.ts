// The domain's own layering (issue 9): no import cycle between its files nor
// between its concept folders (a concept calls the ones below it, or is handed
// a function), and nothing from the layers above it (HTTP, auth, real time,
// federation) nor their libraries. Checked on the real import graph.
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { beforeAll, describe, expect, it } from "vitest";

let graph: Map<string, string[]>;

beforeAll(async () => {
  const result = await cruise(["server/domain"], { tsPreCompilationDeps: true, doNotFollow: { path: "node_modules" } });
  const output = result.output as ICruiseResult;
  graph = new Map(output.modules.filter((m) => m.source.startsWith("server/domain/")).map((m) => [m.source, m.dependencies.map((d) => d.resolved)]));
}, 60_000);

/** The strongly connected groups of more than one node (Tarjan): each is a cycle. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** "server/domain/statuses/local.ts" → "statuses"; a file at the domain's root is its own unit. */
const concept = (path: string) => path.replace(/^server\/domain\//, "").split("/")[0];

describe("server/domain layering", () => {
  it("sees the domain (the check is not vacuous)", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("server/domain/statuses/local.ts")).toContain("server/domain/accounts/local.ts");
  });

  it("has no import cycle between files", () => {
    const edges = new Map([...graph].map(([from, to]) => [from, new Set(to.filter((p) => graph.has(p)))]));
    expect(cycles(edges)).toEqual([]);
  });

  it("has no import cycle between concept folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const [from, to] of graph) {
      const a = concept(from);
      if (!edges.has(a)) edges.set(a, new Set());
      for (const p of to) if (graph.has(p) && concept(p) !== a) edges.get(a)!.add(concept(p));
    }
    expect(cycles(edges)).toEqual([]);
  });

  it("imports nothing from the layers above it", () => {
    const forbidden = /^server\/(auth|api|realtime|federation)\/|^federation\/|node_modules\/(@types\/)?(express|socket\.io|ws|@fedify)\//;
    const offending = [...graph].flatMap(([from, to]) => to.filter((p) => forbidden.test(p)).map((p) => `${from} → ${p}`));
    expect(offending).toEqual([]);
  });
});
