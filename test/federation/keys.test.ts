import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/open";
import { actorKeys } from "../../server/db/schema";
import { createKeyStore, INSTANCE_ACTOR_KEY_ID } from "../../federation/keys";
import { openTestDatabase, resetDatabase } from "../helpers/db";

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
}, 180_000);
afterAll(() => database?.close());
beforeEach(() => resetDatabase(database.db));

describe("actor keys", () => {
  it("gives an actor an RSA-2048 and an Ed25519 key pair", async () => {
    const [rsa, ed] = await createKeyStore(database.db).getKeyPairs("123");
    const alg = rsa.privateKey.algorithm as RsaHashedKeyAlgorithm;
    expect([alg.name, alg.modulusLength, ed.privateKey.algorithm.name]).toEqual(["RSASSA-PKCS1-v1_5", 2048, "Ed25519"]);
  });

  it("stores the key pairs, so another process uses the same keys", async () => {
    const first = await createKeyStore(database.db).getKeyPairs("123");
    const second = await createKeyStore(database.db).getKeyPairs("123");
    const jwk = async (k: CryptoKey) => JSON.stringify(await crypto.subtle.exportKey("jwk", k));
    expect(await jwk(second[0].publicKey)).toBe(await jwk(first[0].publicKey));
  });

  it("keeps one row per algorithm when two stores generate at once", async () => {
    await Promise.all([createKeyStore(database.db).getKeyPairs("7"), createKeyStore(database.db).getKeyPairs("7")]);
    expect(await database.db.select().from(actorKeys)).toHaveLength(2);
  });

  it("gives the instance actor keys of its own", async () => {
    const store = createKeyStore(database.db);
    const [instance] = await store.getKeyPairs(INSTANCE_ACTOR_KEY_ID);
    const [resident] = await store.getKeyPairs("42");
    const n = async (k: CryptoKey) => ((await crypto.subtle.exportKey("jwk", k)) as JsonWebKey).n;
    expect(await n(instance.publicKey)).not.toBe(await n(resident.publicKey));
  });

  it("signs with a private key that its public key verifies", async () => {
    const [, ed] = await createKeyStore(database.db).getKeyPairs("9");
    const data = new TextEncoder().encode("hello");
    const signature = await crypto.subtle.sign("Ed25519", ed.privateKey, data);
    expect(await crypto.subtle.verify("Ed25519", ed.publicKey, signature, data)).toBe(true);
  });
});
