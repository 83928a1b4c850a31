// A fake remote server with one actor and its RSA key, to sign inbox POSTs
// the way another fediverse server would.
import { exportSpki, signRequest } from "@fedify/fedify";
import { json, startTestServer, type TestServer } from "./http-server";

export interface RemoteActor {
  server: TestServer;
  id: string;
  keyId: string;
  /** POSTs `activity` to `inboxUrl`, signed with this actor's key (or `signAs` another key id) */
  post(inboxUrl: string, activity: Record<string, unknown>, options?: { keyId?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startRemoteActor(username = "bob"): Promise<RemoteActor> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const pem = await exportSpki(pair.publicKey);
  let id = "";
  const server = await startTestServer({
    [`/users/${username}`]: (req, res) =>
      json("application/activity+json", {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        id,
        type: "Person",
        preferredUsername: username,
        inbox: `${id}/inbox`,
        publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: pem },
      })(req, res),
  });
  id = `${server.url}/users/${username}`;
  const keyId = `${id}#main-key`;
  return {
    server,
    id,
    keyId,
    async post(inboxUrl, activity, options = {}) {
      const request = new Request(inboxUrl, {
        method: "POST",
        headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
        body: JSON.stringify(activity),
      });
      const signed = await signRequest(request, pair.privateKey, new URL(options.keyId ?? keyId));
      return fetch(signed);
    },
    close: () => server.close(),
  };
}
