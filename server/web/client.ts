// Serves the built web client (dist/client): hashed assets with long-lived
// immutable caching, other static files briefly cached, and index.html for
// the client's own routes (/, /home, /@alice, /@alice/123, /tags/x, …) when a
// browser asks for a page. API, OAuth, real-time, media and federation
// discovery paths are never answered with the page.
import { existsSync } from "node:fs";
import path from "node:path";
import express, { type RequestHandler } from "express";

/** Paths that belong to the server, never to the single-page app. */
const SERVER_PATHS = /^\/(?:api|oauth|socket\.io|\.well-known|nodeinfo|media)(?:\/|$)/i;

function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return /(?:^|,)\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|,|$)/i.test(accept);
}

export function clientHandler(distDir: string): RequestHandler {
  const root = path.resolve(distDir);
  const indexFile = path.join(root, "index.html");

  const assets = express.static(path.join(root, "assets"), {
    immutable: true,
    maxAge: "365d",
    index: false,
    fallthrough: false, // a missing hashed asset is a 404, not the page
    redirect: false,
  });
  const files = express.static(root, {
    index: false,
    maxAge: "1h",
    redirect: false,
    dotfiles: "ignore",
    setHeaders: (res, filePath) => {
      // the page names the current hashed assets: always revalidate it
      if (path.basename(filePath) === "index.html") res.setHeader("Cache-Control", "no-cache");
    },
  });

  let built = existsSync(indexFile);

  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (SERVER_PATHS.test(req.path)) return next();

    if (!built) {
      built = existsSync(indexFile); // built after start-up: pick it up
      if (!built) {
        if (req.path.startsWith("/assets/") || acceptsHtml(req.get("accept"))) {
          res.status(503).type("text/plain; charset=utf-8").send("The web client is not built yet: run `npm run build:client`.\n");
          return;
        }
        return next();
      }
    }

    if (req.path.startsWith("/assets/")) {
      req.url = req.url.slice("/assets".length);
      return assets(req, res, (err?: unknown) => {
        req.url = "/assets" + req.url;
        if (err && (err as { status?: number }).status === 404) {
          res.status(404).type("text/plain; charset=utf-8").send("Not found\n");
          return;
        }
        next(err);
      });
    }

    files(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (!acceptsHtml(req.get("accept"))) return next();
      // An ActivityPub client asking for /@alice gets the federation answer
      // (mounted earlier); a browser gets the app, which routes client-side.
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(indexFile, (sendErr) => {
        if (sendErr) {
          built = existsSync(indexFile);
          if (!res.headersSent) next(sendErr);
        }
      });
    });
  };
}
