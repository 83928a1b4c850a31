// A resident leaves instance A for instance B with their data: the archive made
// on A, its Mastodon CSV files imported on B, and B's new account ends with the
// same follows, blocks and mutes, accounts on the other instance resolved over
// loopback federation (WebFinger, actor fetch) and follows accepted by A.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExports } from "../../../server/domain/export";
import { runImports } from "../../../server/domain/imports";
import { api, follow, relationship, resident, startPeers, stopPeers, START_TIMEOUT, TEST_TIMEOUT, findRemote, handleOf, type Peer } from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;

beforeAll(async () => {
  [A, B] = await startPeers(2);
}, START_TIMEOUT);
afterAll(() => stopPeers(A, B), START_TIMEOUT);

describe("moving one's data from one Parvis to another", () => {
  it(
    "export on A, import on B: the same follows, blocks and mutes",
    async () => {
      // on A: alice follows bob (A) and carol (B), blocks dave (B), mutes erin (A)
      const alice = await resident(A, "alice");
      const bob = await resident(A, "bob");
      const erin = await resident(A, "erin");
      const carol = await resident(B, "carol");
      const dave = await resident(B, "dave");
      await api(A, alice, "POST", `/api/v1/accounts/${bob.account.id}/follow`);
      await follow(A, alice, B, carol);
      const daveOnA = await findRemote(A, alice, handleOf(B, dave));
      await api(A, alice, "POST", `/api/v1/accounts/${daveOnA.id}/block`);
      await api(A, alice, "POST", `/api/v1/accounts/${erin.account.id}/mute`, { notifications: false });

      await api(A, alice, "POST", "/api/parvis/account/export");
      expect((await runExports(A.services.domain)).built).toHaveLength(1);
      const res = await fetch(`${A.url}/api/parvis/account/export/file`, { headers: { authorization: alice.auth } });
      expect(res.status).toBe(200);
      const zip = join(mkdtempSync(join(tmpdir(), "parvis-move-")), "archive.zip");
      writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
      const file = (name: string) => execFileSync("unzip", ["-p", zip, name]);

      // on B: a new account imports the three files
      const newAlice = await resident(B, "alice");
      const upload = async (type: string, name: string) => {
        const form = new FormData();
        form.append("type", type);
        form.append("data", new Blob([file(name)], { type: "text/csv" }), name);
        const r = await fetch(`${B.url}/api/parvis/account/import`, { method: "POST", headers: { authorization: newAlice.auth }, body: form });
        expect(r.status).toBe(202);
        return ((await r.json()) as { id: string }).id;
      };
      const ids = [await upload("following", "following_accounts.csv"), await upload("blocks", "blocked_accounts.csv"), await upload("mutes", "muted_accounts.csv")];
      expect((await runImports(B.services.domain)).sort()).toEqual([...ids].sort());
      for (const id of ids) {
        const shown = await api<{ state: string; failed: number; lines: unknown[] }>(B, newAlice, "GET", `/api/parvis/account/import/${id}`);
        expect(shown, JSON.stringify(shown.lines)).toMatchObject({ state: "ready", failed: 0 });
      }

      // bob and erin were resolved on A through federation; bob's server accepts the follow
      const bobOnB = await findRemote(B, newAlice, handleOf(A, bob));
      const erinOnB = await findRemote(B, newAlice, handleOf(A, erin));
      await waitFor(async () => (await relationship(B, newAlice, bobOnB.id)).following, undefined, "A accepting the imported follow");
      expect((await relationship(B, newAlice, carol.account.id)).following).toBe(true);
      expect((await relationship(B, newAlice, dave.account.id)).blocking).toBe(true);
      const muted = await api<{ muting: boolean; muting_notifications: boolean }[]>(B, newAlice, "GET", `/api/v1/accounts/relationships?id[]=${erinOnB.id}`);
      expect(muted[0]).toMatchObject({ muting: true, muting_notifications: false });
      // and A sees the new follower
      await waitFor(
        async () => {
          const followers = await api<{ acct: string }[]>(A, null, "GET", `/api/v1/accounts/${bob.account.id}/followers`);
          return followers.some((f) => f.acct === `${newAlice.account.username}@${B.domain}`);
        },
        undefined,
        "bob's followers on A listing the new account",
      );
    },
    TEST_TIMEOUT * 2,
  );
});
