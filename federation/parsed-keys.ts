// Fedify keeps the public keys of remote actors in its key-value store as JSON-LD
// and parses them again — JSON-LD expansion, then the PEM through an ASN.1
// parser — on every signed request it verifies: about a seventh of the CPU of
// an inbox POST. Our store hands out the same object for a key while it keeps
// it in memory (kv-store.ts, "memoized"), so the parsed key is remembered per
// object: a key fetched again, or read from another process, is a new object
// and is parsed again. Nothing else changes: the same JSON gives the same key.
import { CryptographicKey } from "@fedify/vocab";

type FromJsonLd = typeof CryptographicKey.fromJsonLd;

const parsed = new WeakMap<object, ReturnType<FromJsonLd>>();
let installed = false;

/** Installs the memo on CryptographicKey.fromJsonLd, once per process. */
export function rememberParsedKeys(): void {
  if (installed) return;
  installed = true;
  const original: FromJsonLd = CryptographicKey.fromJsonLd.bind(CryptographicKey);
  const memoized = ((json: unknown, options?: Parameters<FromJsonLd>[1]) => {
    if (json === null || typeof json !== "object") return original(json, options);
    let key = parsed.get(json);
    if (!key) {
      key = original(json, options);
      parsed.set(json, key);
      // a failure is not remembered: the next request tries again
      key.catch(() => parsed.delete(json));
    }
    return key;
  }) as FromJsonLd;
  CryptographicKey.fromJsonLd = memoized;
}
