// Every API router, and the few static files the API refers to.
import { Router } from "express";
import { join } from "node:path";
import { paths } from "../paths";
import type { Services } from "../services";
import { accountsRouter } from "./accounts";
import { collectionsRouter } from "./collections";
import { conversationsRouter } from "./conversations";
import { filtersRouter } from "./filters";
import { listsRouter } from "./lists";
import { groupsRouter } from "./groups";
import { observationsRouter } from "./observations";
import { suggestionsRouter } from "./suggestions";
import { tagsRouter } from "./tags";
import { adminRouter } from "./admin";
import { moderationLogRouter } from "./moderation-log";
import { privacyRouter } from "./privacy";
import { moderationRouter } from "./moderation";
import { reportsRouter } from "./reports";
import { instanceRouter } from "./instance";
import { notificationsRouter } from "./notifications";
import { groupedNotificationsRouter } from "./notifications-grouped";
import { oauthRouter } from "./oauth";
import { oauthAuthorizeRouter } from "./oauth-authorize";
import { relationshipsRouter } from "./relationships";
import { pollsRouter } from "./polls";
import { announcementsRouter } from "./announcements";
import { pushRouter } from "./push";
import { trendsRouter } from "./trends";
import { searchRouter } from "./search";
import { statusesRouter } from "./statuses";
import { placesRouter } from "./places";
import { timelinesRouter } from "./timelines";
import { webSessionRouter } from "./web-session";
import { dataRightsRouter } from "./data-rights";
import { wellKnownRouter } from "./well-known";
import { mediaFilesRouter } from "./media-files";
import { openDataRouter } from "./open-data";
import { mapRouter } from "./map";
import { notificationsReadUpTo } from "../domain/timelines";
import { enforceScopes } from "../auth/scopes";

const staticDir = paths.serverStatic;

export function apiRouter(services: Services): Router {
  const router = Router();
  // every route's OAuth scope, from one table (server/auth/scopes.ts)
  router.use(enforceScopes());
  router.use(wellKnownRouter(services));
  router.use(oauthRouter(services));
  router.use(oauthAuthorizeRouter(services));
  // before the accounts router: its /api/v1/accounts/:id would take familiar_followers
  router.use(suggestionsRouter(services));
  router.use(accountsRouter(services));
  router.use(listsRouter(services));
  router.use(groupsRouter(services));
  // before the observations router: /api/parvis/observations/:id must not take observations.geojson
  router.use(openDataRouter(services));
  router.use(observationsRouter(services));
  router.use(filtersRouter(services));
  router.use(tagsRouter(services));
  router.use(collectionsRouter(services));
  router.use(conversationsRouter(services));
  router.use(statusesRouter(services));
  router.use(pollsRouter(services));
  router.use(announcementsRouter(services));
  router.use(pushRouter(services));
  router.use(trendsRouter(services));
  router.use(timelinesRouter(services));
  router.use(placesRouter(services));
  // unread_count counts from the notifications marker (/api/v1/markers)
  router.use(groupedNotificationsRouter(services, { lastReadId: notificationsReadUpTo }));
  router.use(notificationsRouter(services));
  router.use(relationshipsRouter(services));
  router.use(instanceRouter(services));
  router.use(searchRouter(services));
  router.use(webSessionRouter(services));
  router.use(dataRightsRouter(services));
  router.use(adminRouter(services));
  router.use(moderationLogRouter(services));
  router.use(privacyRouter(services));
  router.use(moderationRouter(services));
  router.use(reportsRouter(services));

  const missing = join(staticDir, "avatar-missing.png");
  router.get(["/avatars/original/missing.png", "/headers/original/missing.png"], (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.sendFile(missing);
  });
  router.use(mediaFilesRouter(services));
  router.use(mapRouter(services));
  return router;
}
