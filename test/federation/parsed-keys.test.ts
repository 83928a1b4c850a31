// Fedify parses a cached public key for every signature it checks; the parse is
// remembered per stored object (federation/parsed-keys.ts).
import { CryptographicKey } from "@fedify/vocab";
import { beforeAll, describe, expect, it } from "vitest";
import { rememberParsedKeys } from "../../federation/parsed-keys";

let stored: Record<string, unknown>;

/** A key as Fedify's key cache stores it: the JSON-LD of a CryptographicKey, as a fresh object. */
function keyDocument(id: string): Record<string, unknown> {
  return { ...structuredClone(stored), id };
}

beforeAll(async () => {
  rememberParsedKeys();
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const key = new CryptographicKey({
    id: new URL("https://voisins.example/users/irene#main-key"),
    owner: new URL("https://voisins.example/users/irene"),
    publicKey: pair.publicKey,
  });
  stored = (await key.toJsonLd()) as Record<string, unknown>;
});

describe("remembered key parsing", () => {
  it("the same stored key object is parsed once", async () => {
    const doc = keyDocument("https://voisins.example/users/irene#main-key");
    const first = await CryptographicKey.fromJsonLd(doc);
    const second = await CryptographicKey.fromJsonLd(doc);
    expect(second).toBe(first);
    expect(first.id?.href).toBe("https://voisins.example/users/irene#main-key");
    expect(first.ownerId?.href).toBe("https://voisins.example/users/irene");
  });

  it("an equal but new object (a key fetched again) is parsed again", async () => {
    const a = await CryptographicKey.fromJsonLd(keyDocument("https://voisins.example/users/irene#main-key"));
    const b = await CryptographicKey.fromJsonLd(keyDocument("https://voisins.example/users/irene#main-key"));
    expect(b).not.toBe(a);
    expect(b.id?.href).toBe(a.id?.href);
  });

  it("a key that fails to parse is not remembered as a failure", async () => {
    const doc = keyDocument("https://voisins.example/users/irene#main-key");
    const type = doc.type;
    doc.type = "Person";
    await expect(CryptographicKey.fromJsonLd(doc)).rejects.toThrow();
    doc.type = type;
    const parsed = await CryptographicKey.fromJsonLd(doc);
    expect(parsed.id?.href).toBe("https://voisins.example/users/irene#main-key");
  });
});
