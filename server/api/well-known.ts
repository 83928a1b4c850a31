// Discovery documents apps read before anything else: the OAuth 2.0 authorization
// server metadata (RFC 8414, as Mastodon 4.3 serves it) and host-meta (XRD and
// JSON), which points at WebFinger. CORS for /.well-known/* is set in app.ts.
import { Router } from "express";
import type { Services } from "../services";
import { KNOWN_SCOPES } from "../auth/scopes";

/** The scopes a token may be granted, as Mastodon names them: the scope module's list, not a copy. */
export const SCOPES_SUPPORTED: readonly string[] = [...KNOWN_SCOPES];

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function wellKnownRouter(services: Services): Router {
  const router = Router();
  const { origin } = services.config;
  const webfingerTemplate = `${origin}/.well-known/webfinger?resource={uri}`;

  router.get("/.well-known/oauth-authorization-server", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=3600");
    res.json({
      issuer: `${origin}/`,
      service_documentation: "https://docs.joinmastodon.org/",
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      app_registration_endpoint: `${origin}/api/v1/apps`,
      scopes_supported: SCOPES_SUPPORTED,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "password", "client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_post"],
    });
  });

  const hostMetaJson = () => ({ links: [{ rel: "lrdd", template: webfingerTemplate }] });

  router.get("/.well-known/host-meta", (req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    if (req.query.format === "json") {
      res.type("application/json").send(JSON.stringify(hostMetaJson()));
      return;
    }
    res
      .type("application/xrd+xml; charset=utf-8")
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${escapeXml(webfingerTemplate)}"/>\n</XRD>\n`,
      );
  });

  router.get("/.well-known/host-meta.json", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.type("application/json").send(JSON.stringify(hostMetaJson()));
  });

  return router;
}
