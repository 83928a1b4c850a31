// Trends computed on this instance, and the admin review switch.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { favourite } from "../../server/domain/interactions";
import { countRows } from "../helpers/api";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

async function residents(n: number): Promise<Resident[]> {
  const out: Resident[] = [];
  for (let i = 0; i < n; i++) out.push(await createResident(t, `habitant${i}`));
  return out;
}

describe("trending tags", () => {
  it("ranks tags by the distinct accounts using them, with a seven-day history", async () => {
    const [a, b, c] = await residents(3);
    await createPost(t, a, "Le #marché est ouvert");
    await createPost(t, b, "Vu au #marché ce matin");
    await createPost(t, c, "Fête de la #musique");
    await createPost(t, c, "Encore la #musique");
    const res = await t.http.get("/api/v1/trends/tags");
    expect(res.status).toBe(200);
    expect(res.body.map((tag: { name: string }) => tag.name)).toEqual(["marché", "musique"]);
    expect(res.body[0].history).toHaveLength(7);
    expect(res.body[0].history[0]).toMatchObject({ uses: "2", accounts: "2" });
    expect(res.body[1].history[0]).toMatchObject({ uses: "2", accounts: "1" });
  });

  it("followers-only posts do not make trends", async () => {
    const [a] = await residents(1);
    await createPost(t, a, "Entre nous #secret", { visibility: "private" });
    expect((await t.http.get("/api/v1/trends/tags")).body).toEqual([]);
  });

  it("limit and offset page the list; nonsense values fall back", async () => {
    const [a, b] = await residents(2);
    await createPost(t, a, "#un #deux #trois");
    await createPost(t, b, "#un");
    expect((await t.http.get("/api/v1/trends/tags?limit=1")).body.map((x: { name: string }) => x.name)).toEqual(["un"]);
    expect((await t.http.get("/api/v1/trends/tags?limit=1&offset=1")).body).toHaveLength(1);
    expect((await t.http.get("/api/v1/trends/tags?limit=abc&offset=-4")).status).toBe(200);
  });
});

describe("trending statuses and links", () => {
  it("ranks public statuses by recent favourites and boosts", async () => {
    const [a, b, c] = await residents(3);
    const quiet = await createPost(t, a, "Rien de neuf");
    const liked = await createPost(t, a, "Le pont est rouvert !");
    await favourite(t.services.domain, b.account, liked.id);
    await favourite(t.services.domain, c.account, liked.id);
    const res = await t.http.get("/api/v1/trends/statuses");
    expect(res.body.map((s: { id: string }) => s.id)).toEqual([liked.id]);
    expect(res.body.map((s: { id: string }) => s.id)).not.toContain(quiet.id);
  });

  it("links come from public posts' URLs, described by the URL alone", async () => {
    const [a, b] = await residents(2);
    await createPost(t, a, "Compte rendu : https://mairie.example/conseil/2030-05 #conseil");
    await createPost(t, b, "À lire https://mairie.example/conseil/2030-05");
    const res = await t.http.get("/api/v1/trends/links");
    expect(res.body).toEqual([
      expect.objectContaining({
        url: "https://mairie.example/conseil/2030-05",
        title: "mairie.example/conseil/2030-05",
        provider_name: "mairie.example",
        type: "link",
        image: null,
        history: expect.arrayContaining([expect.objectContaining({ accounts: "2" })]),
      }),
    ]);
  });
});

describe("the admin review switch", () => {
  it("with review on, only approved tags show; a rejected tag never shows", async () => {
    const admin = await createResident(t, "maire", { role: "admin" });
    const [a] = await residents(1);
    await createPost(t, a, "#brocante et #vide_grenier");
    const switched = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ trends_review: true });
    expect(switched.body.trends_review).toBe(true);
    expect((await t.http.get("/api/v1/trends/tags")).body).toEqual([]);
    const candidates = await t.http.get("/api/v1/admin/trends/tags").set("Authorization", admin.auth);
    expect(candidates.body.map((c: { requires_review: boolean }) => c.requires_review)).toEqual([true, true]);
    const brocante = candidates.body.find((c: { name: string }) => c.name === "brocante");
    const approved = await t.http.post(`/api/v1/admin/trends/tags/${brocante.id}/approve`).set("Authorization", admin.auth);
    expect(approved.body).toMatchObject({ name: "brocante", trendable: true, requires_review: false });
    expect((await t.http.get("/api/v1/trends/tags")).body.map((x: { name: string }) => x.name)).toEqual(["brocante"]);
    await t.http.post(`/api/v1/admin/trends/tags/${brocante.id}/reject`).set("Authorization", admin.auth);
    await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ trends_review: false });
    expect((await t.http.get("/api/v1/trends/tags")).body.map((x: { name: string }) => x.name)).toEqual(["vide_grenier"]);
  });

  it("a resident cannot review trends", async () => {
    const [a] = await residents(1);
    await createPost(t, a, "#fête");
    expect((await t.http.get("/api/v1/admin/trends/tags").set("Authorization", a.auth)).status).toBe(403);
    expect((await t.http.post("/api/v1/admin/trends/tags/1/approve").set("Authorization", a.auth)).status).toBe(403);
    expect(await countRows(t, "trend_reviews")).toBe(0);
  });

  it("reviewing something that is not trending is 404", async () => {
    const admin = await createResident(t, "maire", { role: "admin" });
    expect((await t.http.post("/api/v1/admin/trends/tags/123/approve").set("Authorization", admin.auth)).status).toBe(404);
    expect((await t.http.post("/api/v1/admin/trends/links/zzz/reject").set("Authorization", admin.auth)).status).toBe(404);
    expect(await countRows(t, "trend_reviews")).toBe(0);
  });
});
