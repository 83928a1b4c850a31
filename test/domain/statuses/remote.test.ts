// Remote posts stored through the domain: stored once however often they arrive,
// and a reply that came before its parent is attached to it when the parent comes.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { statuses } from "../../../server/db/schema";
import { upsertRemoteAccount } from "../../../server/domain/accounts";
import { storeRemoteStatus } from "../../../server/domain/statuses";
import { useTestInstance, type TestInstance } from "../../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

async function remoteAuthor(name: string) {
  return upsertRemoteAccount(t.services.domain, {
    uri: `https://voisins.example/users/${name}`,
    username: name,
    domain: "voisins.example",
    inboxUrl: `https://voisins.example/users/${name}/inbox`,
  });
}

async function statusRow(id: string) {
  const [row] = await t.services.db.select().from(statuses).where(eq(statuses.id, id));
  return row;
}

describe("remote statuses", () => {
  it("a post delivered twice is stored once", async () => {
    const author = await remoteAuthor("irene");
    const data = { uri: "https://voisins.example/notes/1", authorId: author.id, content: "<p>Bonjour</p>", visibility: "public" as const };
    const first = await storeRemoteStatus(t.services.domain, data);
    const second = await storeRemoteStatus(t.services.domain, { ...data, content: "<p>Autre texte</p>" });
    expect(second.id).toBe(first.id);
    expect(second.content).toBe("<p>Bonjour</p>");
    expect(await t.services.db.select().from(statuses).where(eq(statuses.uri, data.uri))).toHaveLength(1);
  });

  it("a reply that arrived before its parent is attached to it when the parent arrives", async () => {
    const author = await remoteAuthor("irene");
    const replier = await remoteAuthor("jules");
    const reply = await storeRemoteStatus(t.services.domain, {
      uri: "https://voisins.example/notes/reply",
      authorId: replier.id,
      content: "<p>Tout à fait</p>",
      visibility: "public",
      inReplyToUri: "https://voisins.example/notes/parent",
    });
    expect(reply.inReplyToId).toBeNull();
    const parent = await storeRemoteStatus(t.services.domain, {
      uri: "https://voisins.example/notes/parent",
      authorId: author.id,
      content: "<p>La piscine rouvre lundi</p>",
      visibility: "public",
    });
    expect(await statusRow(reply.id)).toMatchObject({ inReplyToId: parent.id, inReplyToAccountId: author.id, inReplyToUri: null });
  });

  it("a reply whose parent is known is attached at once", async () => {
    const author = await remoteAuthor("irene");
    const parent = await storeRemoteStatus(t.services.domain, {
      uri: "https://voisins.example/notes/parent",
      authorId: author.id,
      content: "<p>Question</p>",
      visibility: "public",
    });
    const reply = await storeRemoteStatus(t.services.domain, {
      uri: "https://voisins.example/notes/answer",
      authorId: author.id,
      content: "<p>Réponse</p>",
      visibility: "public",
      inReplyToUri: parent.uri,
    });
    expect(reply).toMatchObject({ inReplyToId: parent.id, inReplyToUri: null });
  });

  for (const url of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "JavaScript:alert(1)"]) {
    it(`a post whose url is ${url.split(":")[0]}: keeps its uri as its url`, async () => {
      const author = await remoteAuthor("irene");
      const stored = await storeRemoteStatus(t.services.domain, {
        uri: "https://voisins.example/notes/3",
        url,
        authorId: author.id,
        content: "<p>Bonjour</p>",
        visibility: "public",
      });
      expect((await statusRow(stored.id)).url).toBe("https://voisins.example/notes/3");
    });
  }
});
