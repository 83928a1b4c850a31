// The writes local and remote statuses share (statuses/storage.ts): filing a
// status under its hashtags, and the first version of its edit history.
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { statusEdits, statusTags, statuses, tags } from "../../server/db/schema";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { keepOriginalVersion, storeRemoteStatus, tagStatus } from "../../server/domain/statuses";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

async function remotePost(n: number) {
  const author = await upsertRemoteAccount(t.services.domain, {
    uri: "https://voisins.example/users/irene",
    username: "irene",
    domain: "voisins.example",
    inboxUrl: "https://voisins.example/users/irene/inbox",
  });
  return storeRemoteStatus(t.services.domain, { uri: `https://voisins.example/notes/${n}`, authorId: author.id, content: "<p>Bonjour</p>", visibility: "public" });
}

async function tagsOf(statusId: string): Promise<string[]> {
  const rows = await t.services.db
    .select({ name: tags.name })
    .from(statusTags)
    .innerJoin(tags, eq(tags.id, statusTags.tagId))
    .where(eq(statusTags.statusId, statusId))
    .orderBy(asc(tags.name));
  return rows.map((r) => r.name);
}

describe("tagStatus", () => {
  it("creates unknown tags once and links them; linking again changes nothing", async () => {
    const post = await remotePost(1);
    const other = await remotePost(2);
    await tagStatus(t.services.db, post.id, ["marché", "fête"]);
    await tagStatus(t.services.db, post.id, ["marché"]);
    await tagStatus(t.services.db, other.id, ["fête"]);
    expect(await tagsOf(post.id)).toEqual(["fête", "marché"]);
    expect(await tagsOf(other.id)).toEqual(["fête"]);
    expect(await t.services.db.select().from(tags).where(eq(tags.name, "fête"))).toHaveLength(1);
  });

  it("adds to the status's tags, or replaces them on an edit", async () => {
    const post = await remotePost(3);
    await tagStatus(t.services.db, post.id, ["un", "deux"]);
    await tagStatus(t.services.db, post.id, ["trois"]);
    expect(await tagsOf(post.id)).toEqual(["deux", "trois", "un"]);
    await tagStatus(t.services.db, post.id, ["quatre"], { replace: true });
    expect(await tagsOf(post.id)).toEqual(["quatre"]);
    await tagStatus(t.services.db, post.id, [], { replace: true });
    expect(await tagsOf(post.id)).toEqual([]);
  });
});

describe("keepOriginalVersion", () => {
  it("records the original version once, dated when the status was written", async () => {
    const post = await remotePost(4);
    await keepOriginalVersion(t.services.db, post);
    await t.services.db.update(statuses).set({ content: "<p>Modifié</p>" }).where(eq(statuses.id, post.id));
    const [changed] = await t.services.db.select().from(statuses).where(eq(statuses.id, post.id));
    await keepOriginalVersion(t.services.db, changed);
    const history = await t.services.db.select().from(statusEdits).where(eq(statusEdits.statusId, post.id));
    expect(history).toHaveLength(1);
    expect(history[0].content).toBe("<p>Bonjour</p>");
    expect(history[0].createdAt.getTime()).toBe(post.createdAt.getTime());
  });
});
