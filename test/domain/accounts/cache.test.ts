// Remote accounts read by ActivityPub id are remembered a few seconds, and
// forgotten as soon as any account changes in this process.
import { describe, expect, it } from "vitest";
import { AccountUriCache } from "../../../server/domain/accounts";
import { setSuspended } from "../../../server/domain/accounts";
import { accountsByUris, findAccountByUri, upsertRemoteAccount } from "../../../server/domain/accounts";
import { EventBus } from "../../../server/events";
import { useTestInstance, type TestInstance } from "../../helpers/instance";
import { sleep } from "../../helpers/wait";

let t: TestInstance;
useTestInstance((started) => (t = started));

const irene = {
  uri: "https://voisins.example/users/irene",
  username: "irene",
  domain: "voisins.example",
  inboxUrl: "https://voisins.example/users/irene/inbox",
};

describe("account cache", () => {
  it("a suspension is seen at once by the next lookup", async () => {
    const ctx = t.services.domain;
    const account = await upsertRemoteAccount(ctx, irene);
    expect((await findAccountByUri(ctx, irene.uri))?.suspendedAt).toBeNull();
    await setSuspended(ctx, account.id, true);
    expect((await findAccountByUri(ctx, irene.uri))?.suspendedAt).toBeInstanceOf(Date);
  });

  it("a batch lookup returns cached and stored accounts together", async () => {
    const ctx = t.services.domain;
    await upsertRemoteAccount(ctx, irene);
    await upsertRemoteAccount(ctx, { ...irene, uri: "https://voisins.example/users/jules", username: "jules" });
    await findAccountByUri(ctx, irene.uri);
    const found = await accountsByUris(ctx, [irene.uri, "https://voisins.example/users/jules", "https://voisins.example/users/nobody"]);
    expect(found.map((a) => a.username).sort()).toEqual(["irene", "jules"]);
  });

  it("an account read inside a transaction is not remembered (the transaction may roll back)", async () => {
    const ctx = t.services.domain;
    await upsertRemoteAccount(ctx, irene);
    ctx.accountCache?.clear();
    await t.services.db.transaction(async (tx) => {
      expect((await findAccountByUri({ ...ctx, db: tx }, irene.uri))?.username).toBe("irene");
    });
    expect(ctx.accountCache?.get(irene.uri)).toBeUndefined();
    await findAccountByUri(ctx, irene.uri);
    expect(ctx.accountCache?.get(irene.uri)?.username).toBe("irene");
  });

  it("an entry expires after its time to live", async () => {
    const cache = new AccountUriCache(new EventBus(), 20);
    const account = await upsertRemoteAccount(t.services.domain, irene);
    cache.set(account);
    expect(cache.get(irene.uri)).toBe(account);
    await sleep(40);
    expect(cache.get(irene.uri)).toBeUndefined();
  });

  it("any account event empties it", async () => {
    const events = new EventBus();
    const cache = new AccountUriCache(events);
    cache.set(await upsertRemoteAccount(t.services.domain, irene));
    events.emit("account.updated", { accountId: "1", local: false });
    expect(cache.get(irene.uri)).toBeUndefined();
  });
});
