// The event journal: a write's events are recorded with it, removed once every
// subscriber has handled them, and published again when a subscriber never finished.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { follow } from "../../server/domain/follows";
import { MAX_REPLAYS, pendingEvents, replayJournal, writeAndPublish } from "../../server/domain/event-journal";
import { rowsOf } from "../../server/db/rows";
import type { DomainEvents } from "../../server/events";
import { createPost, createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

/** Makes every journal row old enough to be taken for lost. */
async function age(): Promise<void> {
  await t.services.db.execute(sql`update event_journal set created_at = now() - interval '10 minutes'`);
}

describe("event journal", () => {
  it("a local post leaves no journal row once its subscribers have run", async () => {
    const seen: string[] = [];
    const off = t.services.events.on("status.created", async (e) => void seen.push(e.statusId));
    try {
      const alice = await createResident(t, "alice");
      const status = await createPost(t, alice, "Marché de Noël samedi");
      await t.services.events.settle();
      expect(seen).toEqual([status.id]);
      expect(await pendingEvents(t.services.domain)).toEqual([]);
    } finally {
      off();
    }
  });

  it("an event whose subscriber failed stays in the journal", async () => {
    const off = t.services.events.on("status.created", async () => {
      throw new Error("the queue is unreachable");
    });
    try {
      const alice = await createResident(t, "alice");
      const status = await createPost(t, alice, "Réunion publique mardi");
      await t.services.events.settle();
      const pending = await pendingEvents(t.services.domain, "status.created");
      expect(pending.map((p) => (p.payload as DomainEvents["status.created"]).statusId)).toEqual([status.id]);
    } finally {
      off();
    }
  });

  it("a replay publishes the event again and then forgets it", async () => {
    const failing = t.services.events.on("follow.created", async () => {
      throw new Error("crashed");
    });
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    await t.services.events.settle();
    failing();

    const replayed: DomainEvents["follow.created"][] = [];
    const off = t.services.events.on("follow.created", async (e) => void replayed.push(e));
    try {
      await age();
      expect((await replayJournal(t.services.domain)).published).toBe(1);
      await t.services.events.settle();
      expect(replayed).toMatchObject([{ accountId: alice.account.id, targetAccountId: bob.account.id }]);
      expect(await pendingEvents(t.services.domain)).toEqual([]);
    } finally {
      off();
    }
  });

  it("a recent row is left to the process that is still handling it", async () => {
    const failing = t.services.events.on("status.created", async () => {
      throw new Error("crashed");
    });
    try {
      const alice = await createResident(t, "alice");
      await createPost(t, alice, "Travaux rue de la Poste");
      await t.services.events.settle();
    } finally {
      failing();
    }
    expect((await replayJournal(t.services.domain)).published).toBe(0);
  });

  it("a row being replayed by one process is not replayed by another", async () => {
    const failing = t.services.events.on("status.created", async () => {
      throw new Error("crashed");
    });
    try {
      const alice = await createResident(t, "alice");
      await createPost(t, alice, "Collecte des encombrants");
      await t.services.events.settle();
      await age();
      // the first replay fails again (the subscriber still throws): its claim holds the row
      expect((await replayJournal(t.services.domain)).published).toBe(1);
      await t.services.events.settle();
      expect((await replayJournal(t.services.domain)).published).toBe(0);
    } finally {
      failing();
    }
  });

  it("an event that keeps failing is given up after the last replay", async () => {
    const failing = t.services.events.on("status.created", async () => {
      throw new Error("always broken");
    });
    try {
      const alice = await createResident(t, "alice");
      await createPost(t, alice, "Fête de la musique");
      await t.services.events.settle();
      await t.services.db.execute(sql`update event_journal set created_at = now() - interval '1 day', replays = ${MAX_REPLAYS}`);
      const outcome = await replayJournal(t.services.domain);
      expect(outcome).toMatchObject({ published: 0, abandoned: [{ name: "status.created" }] });
      expect(await pendingEvents(t.services.domain)).toEqual([]);
    } finally {
      failing();
    }
  });

  it("a write that fails publishes nothing and records nothing", async () => {
    const seen: unknown[] = [];
    const off = t.services.events.on("account.updated", (e) => void seen.push(e));
    try {
      const alice = await createResident(t, "alice");
      await expect(
        writeAndPublish(t.services.domain, async (_tx, record) => {
          await record("account.updated", { accountId: alice.account.id, local: true });
          throw new Error("constraint violated");
        }),
      ).rejects.toThrow("constraint violated");
      await t.services.events.settle();
      expect(seen).toEqual([]);
      expect(await pendingEvents(t.services.domain)).toEqual([]);
    } finally {
      off();
    }
  });

  it("an event recorded as not durable is published without a journal row", async () => {
    const seen: unknown[] = [];
    const off = t.services.events.on("account.updated", async (e) => void seen.push(e));
    try {
      const alice = await createResident(t, "alice");
      let rowsInside = -1;
      await writeAndPublish(t.services.domain, async (tx, record) => {
        await record("account.updated", { accountId: alice.account.id, local: false }, { durable: false });
        rowsInside = rowsOf(await tx.execute(sql`select 1 from event_journal`)).length;
      });
      expect(rowsInside).toBe(0);
      expect(seen).toEqual([{ accountId: alice.account.id, local: false }]);
    } finally {
      off();
    }
  });
});
