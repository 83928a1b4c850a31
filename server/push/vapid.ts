// The instance's VAPID key pair (Web Push), generated once into the data dir
// (PARVIS_DATA_DIR/vapid.json, mode 0600) and kept: subscriptions are bound to
// the public key, so changing it would silently end every phone's pushes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import webpush from "web-push";
import type { Config } from "../config";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const cache = new Map<string, VapidKeys>();

function valid(value: unknown): value is VapidKeys {
  const v = value as VapidKeys;
  return Boolean(v) && /^[A-Za-z0-9_-]{80,100}$/.test(v.publicKey ?? "") && /^[A-Za-z0-9_-]{40,50}$/.test(v.privateKey ?? "");
}

export function vapidKeys(config: Pick<Config, "dataDir">): VapidKeys {
  const known = cache.get(config.dataDir);
  if (known) return known;
  const file = join(config.dataDir, "vapid.json");
  let keys: VapidKeys | undefined;
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (!valid(parsed)) throw new Error(`${file} does not hold a VAPID key pair`);
    keys = { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
  } else {
    keys = webpush.generateVAPIDKeys();
    mkdirSync(config.dataDir, { recursive: true });
    // "wx": two processes starting at once never overwrite each other's pair
    try {
      writeFileSync(file, JSON.stringify(keys) + "\n", { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      cache.delete(config.dataDir);
      return vapidKeys(config);
    }
  }
  cache.set(config.dataDir, keys);
  return keys;
}
