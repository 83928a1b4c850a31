// GET /api/parvis/privacy: the privacy page, generated from this instance's
// configuration (server/domain/instance/privacy.ts), in French or English.
import { Router } from "express";
import { z } from "zod";
import { privacyFacts } from "../domain/privacy";
import { privacySections } from "../domain/privacy";
import { pickLocale } from "../i18n";
import type { Services } from "../services";
import { parseQuery } from "./http";

export function privacyRouter(services: Services): Router {
  const router = Router();
  router.get("/api/parvis/privacy", async (req, res) => {
    const q = parseQuery(z.object({ locale: z.enum(["fr", "en"]).optional() }).passthrough(), req);
    const locale = q.locale ?? pickLocale(req.get("accept-language"));
    const facts = await privacyFacts(services.domain);
    res.json({
      locale,
      sections: privacySections(facts, locale),
      facts: {
        commune_name: facts.communeName,
        data_controller: facts.dataController,
        contact_email: facts.contactEmail,
        registration_mode: facts.registrationMode,
        federation_mode: facts.federationMode,
        deletion_grace_days: facts.deletionGraceDays,
        web_session_days: facts.webSessionDays,
        max_image_megabytes: facts.maxImageMegabytes,
        max_document_megabytes: facts.maxDocumentMegabytes,
        moderation_log_anonymised: facts.moderationLogAnonymised,
      },
    });
  });
  return router;
}
