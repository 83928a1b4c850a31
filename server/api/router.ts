// Every API router, and the few static files the API refers to.
import { Router } from "express";
import express from "express";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Services } from "../services";
import { accountsRouter } from "./accounts";
import { adminRouter } from "./admin";
import { instanceRouter } from "./instance";
import { notificationsRouter } from "./notifications";
import { groupedNotificationsRouter } from "./notifications-grouped";
import { oauthRouter } from "./oauth";
import { oauthAuthorizeRouter } from "./oauth-authorize";
import { relationshipsRouter } from "./relationships";
import { searchRouter } from "./search";
import { statusesRouter } from "./statuses";
import { timelinesRouter } from "./timelines";
import { webSessionRouter } from "./web-session";
import { wellKnownRouter } from "./well-known";
import { mediaDir } from "../domain/media";

const staticDir = join(dirname(fileURLToPath(import.meta.url)), "..", "static");

export function apiRouter(services: Services): Router {
  const router = Router();
  router.use(wellKnownRouter(services));
  router.use(oauthRouter(services));
  router.use(oauthAuthorizeRouter(services));
  router.use(accountsRouter(services));
  router.use(statusesRouter(services));
  router.use(timelinesRouter(services));
  router.use(groupedNotificationsRouter(services));
  router.use(notificationsRouter(services));
  router.use(relationshipsRouter(services));
  router.use(instanceRouter(services));
  router.use(searchRouter(services));
  router.use(webSessionRouter(services));
  router.use(adminRouter(services));

  const missing = join(staticDir, "avatar-missing.png");
  router.get(["/avatars/original/missing.png", "/headers/original/missing.png"], (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.sendFile(missing);
  });
  router.use(
    "/media",
    express.static(mediaDir(services.domain), {
      immutable: true,
      maxAge: "365d",
      index: false,
      dotfiles: "deny",
      fallthrough: true,
      setHeaders: (res) => res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox"),
    }),
  );
  return router;
}
