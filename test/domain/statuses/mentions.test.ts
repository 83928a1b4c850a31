// A post's mentions and the notifications of the mentioned residents are written
// together, in one statement: the rules of notify() hold for each recipient.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mentions, notifications } from "../../../server/db/schema";
import { block } from "../../../server/domain/blocks";
import { mute } from "../../../server/domain/blocks";
import { createPost, createResident } from "../../helpers/factories";
import { useTestInstance, type TestInstance } from "../../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

describe("mentions of a new post", () => {
  it("notify every mentioned resident but those who block or mute the author", async () => {
    const author = await createResident(t, "autrice");
    const plain = await createResident(t, "camille");
    const blocking = await createResident(t, "dominique");
    const muting = await createResident(t, "eliott");
    await block(t.services.domain, blocking.account.id, author.account.id);
    await mute(t.services.domain, muting.account.id, author.account.id, { notifications: true });
    const status = await createPost(t, author, "Merci @camille @dominique @eliott pour la fête de quartier");
    const mentioned = await t.services.db.select().from(mentions).where(eq(mentions.statusId, status.id));
    expect(mentioned.map((m) => m.accountId).sort()).toEqual([plain.account.id, blocking.account.id, muting.account.id].sort());
    const notified = await t.services.db.select().from(notifications).where(eq(notifications.statusId, status.id));
    expect(notified.map((n) => [n.accountId, n.type])).toEqual([[plain.account.id, "mention"]]);
  });

  it("a post mentioning its own author notifies nobody", async () => {
    const author = await createResident(t, "autrice");
    const status = await createPost(t, author, "Note pour moi-même @autrice");
    expect(await t.services.db.select().from(notifications).where(eq(notifications.statusId, status.id))).toEqual([]);
  });
});
