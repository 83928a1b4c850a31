// Object integrity proofs on activity JSON kept as received (federation/integrity.ts,
// ADR 0024): what verifiedAuthorActivity believes, and that withProof signs
// as Fedify verifies. Keys are served by an in-memory document loader.
import { generateCryptoKeyPair, signObject, verifyProof, type Context } from "@fedify/fedify";
import { Announce, Create, DataIntegrityProof, Multikey, Note, Person } from "@fedify/vocab";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, verifiedAuthorActivity, withProof, type JsonObject } from "../../federation/integrity";
import type { Services } from "../../server/services";

const B = "https://b.example";
const D = "https://d.example";
const GROUP = new URL("https://a.example/groups/quartier");
const documents = new Map<string, unknown>();
const documentLoader = async (url: string) => {
  const doc = documents.get(url.replace(/#.*$/, ""));
  if (!doc) throw new Error(`not served: ${url}`);
  return { documentUrl: url, contextUrl: null, document: doc };
};
const ctx = { documentLoader, contextLoader: undefined } as unknown as Context<Services>;

interface Actor {
  id: URL;
  keyId: URL;
  privateKey: CryptoKey;
}

async function actor(origin: string, name: string, controller?: URL): Promise<Actor> {
  const { privateKey, publicKey } = await generateCryptoKeyPair("Ed25519");
  const id = new URL(`${origin}/users/${name}`);
  const keyId = new URL(`${id.href}#multikey-2`);
  const person = new Person({ id, assertionMethods: [new Multikey({ id: keyId, controller: controller ?? id, publicKey })] });
  documents.set(id.href, await person.toJsonLd({ format: "compact" }));
  return { id, keyId, privateKey };
}

let bob: Actor;
let mallory: Actor;
let elsewhere: Actor;

beforeAll(async () => {
  bob = await actor(B, "bob");
  mallory = await actor(B, "mallory");
  // a key on another server that claims bob as its controller
  elsewhere = await actor(D, "eve", new URL(`${B}/users/bob`));
});

async function createBy(author: Actor, signer: Actor, content = "Réunion jeudi"): Promise<JsonObject> {
  const noteId = new URL(`${author.id.href}/statuses/1`);
  const create = new Create({
    id: new URL(`${noteId.href}/activity`),
    actor: author.id,
    object: new Note({ id: noteId, attribution: author.id, content, tos: [GROUP], audience: GROUP }),
    tos: [GROUP],
  });
  return (await (await signObject(create, signer.privateKey, signer.keyId)).toJsonLd({ format: "compact" })) as JsonObject;
}

describe("verifiedAuthorActivity", () => {
  it("believes a Create whose proof is its actor's, even next to a Linked Data signature", async () => {
    const json = await createBy(bob, bob);
    const verified = await verifiedAuthorActivity(ctx, { ...json, signature: { type: "RsaSignature2017", signatureValue: "x" } });
    expect(verified).toBeInstanceOf(Create);
    expect(verified?.actorId?.href).toBe(bob.id.href);
  });

  it("refuses a Create changed after signing", async () => {
    const json = await createBy(bob, bob);
    (json.object as JsonObject).content = "Réunion annulée";
    expect(await verifiedAuthorActivity(ctx, json)).toBeNull();
  });

  it("refuses a proof by another actor's key, and by a key of another origin naming the actor as controller", async () => {
    expect(await verifiedAuthorActivity(ctx, await createBy(bob, mallory))).toBeNull();
    expect(await verifiedAuthorActivity(ctx, await createBy(bob, elsewhere))).toBeNull();
  });

  it("refuses a document without its own @context (it would parse as nothing and prove nothing), and one without a proof", async () => {
    const { "@context": _context, ...bare } = await createBy(bob, bob);
    expect(await verifiedAuthorActivity(ctx, bare)).toBeNull();
    const { proof: _proof, ...unsigned } = await createBy(bob, bob);
    expect(await verifiedAuthorActivity(ctx, unsigned)).toBeNull();
  });
});

describe("withProof", () => {
  it("adds an eddsa-jcs-2022 proof that Fedify verifies, covering the embedded activity as it is", async () => {
    const group = await actor("https://a.example", "group");
    const embedded = await createBy(bob, bob);
    const announce = await withProof(
      { "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1"], id: `${GROUP.href}/announces/1`, type: "Announce", actor: group.id.href, object: embedded },
      group.privateKey,
      group.keyId,
    );
    const parsed = await Announce.fromJsonLd(announce, { documentLoader });
    const proofs: DataIntegrityProof[] = [];
    for await (const p of parsed.getProofs()) proofs.push(p);
    expect(proofs).toHaveLength(1);
    expect((await verifyProof(announce, proofs[0], { documentLoader }))?.id?.href).toBe(group.keyId.href);
    expect(await verifiedAuthorActivity(ctx, announce.object)).not.toBeNull();
    // changing the embedded activity breaks the group's proof too
    const changed = structuredClone(announce);
    ((changed.object as JsonObject).object as JsonObject).content = "autre";
    expect(await verifyProof(changed, proofs[0], { documentLoader })).toBeNull();
  });

  it("canonicalises as RFC 8785 (sorted keys, no spaces, ECMAScript numbers)", () => {
    expect(canonicalJson({ b: [1, 2.5, "é"], a: { d: null, c: true }, e: 1e21 })).toBe('{"a":{"c":true,"d":null},"b":[1,2.5,"é"],"e":1e+21}');
  });
});
