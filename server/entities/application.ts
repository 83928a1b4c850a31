// Registered client apps → Mastodon's Application entity (with its credentials for the app that registers).
import type { App } from "../domain/access";
import { isHttpUrl } from "../domain/content";

/** Mastodon's Application; `vapidKey` is the instance's Web Push key, which older apps read here. */
export function serializeApp(app: App, withSecret: boolean, vapidKey: string) {
  return {
    id: app.id,
    name: app.name,
    website: isHttpUrl(app.website) ? app.website : null,
    scopes: app.scopes.split(/\s+/),
    redirect_uri: app.redirectUris.join("\n"),
    redirect_uris: app.redirectUris,
    vapid_key: vapidKey,
    ...(withSecret ? { client_id: app.clientId, client_secret: app.clientSecret, client_secret_expires_at: 0 } : {}),
  };
}
