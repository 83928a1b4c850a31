// /api/v1/instance and /api/v2/instance: the commune's description, in
// Mastodon's shape with a "parvis" extension (commune name, INSEE code, charter).
import { POLL_LIMITS } from "../domain/polls";
import { vapidKeys } from "../push/vapid";
import { Router } from "express";
import { getSettings, listRules } from "../domain/instance";
import { contactAccount, instanceUsage, knownPeers, weeklyActivity } from "../domain/instance";
import { NotFound } from "../errors";
import type { Services } from "../services";
import { serializeAccount } from "../entities/account";
import { MAX_MEDIA } from "../domain/statuses";
import { PARVIS_VERSION } from "../version";
import { loadAccountView } from "../domain/accounts";

/** Mastodon API version we follow, for clients that check it. */
const COMPATIBLE_API_VERSION = "4.3.0";

export function instanceRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const { config } = services;

  async function describe() {
    const [settings, rules, usage, contact] = await Promise.all([getSettings(ctx), listRules(ctx), instanceUsage(ctx), contactAccount(ctx)]);
    return {
      settings,
      rules: rules.map((r) => ({ id: r.id, text: r.text, hint: r.hint })),
      usage,
      contact: contact ? serializeAccount(origin, await loadAccountView(ctx, contact)) : null,
    };
  }

  const parvis = (settings: Awaited<ReturnType<typeof getSettings>>) => ({
    commune_name: config.commune.name,
    insee_code: config.commune.inseeCode ?? null,
    charter: settings.charter,
    federation_mode: settings.federationMode,
    registration_mode: settings.registrationMode,
    // who may create groups (docs/admin.md): clients offer "create a group" accordingly
    group_creation: settings.groupCreation,
  });

  const configuration = {
    urls: { streaming: config.origin.replace(/^http/, "ws") },
    accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
    statuses: { max_characters: config.maxStatusChars, max_media_attachments: MAX_MEDIA, characters_reserved_per_url: 23 },
    media_attachments: {
      supported_mime_types: ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "image/avif", "application/pdf"],
      image_size_limit: config.media.maxImageBytes,
      // larger images are accepted and scaled down to this many pixels
      image_matrix_limit: config.media.maxDimension ** 2,
      video_size_limit: 0,
      video_frame_rate_limit: 0,
      video_matrix_limit: 0,
      description_limit: 1500,
    },
    polls: {
      max_options: POLL_LIMITS.maxOptions,
      max_characters_per_option: POLL_LIMITS.maxCharactersPerOption,
      min_expiration: POLL_LIMITS.minExpiration,
      max_expiration: POLL_LIMITS.maxExpiration,
    },
    translation: { enabled: false },
    vapid: { public_key: vapidKeys(config).publicKey },
  };

  router.get("/api/v2/instance", async (_req, res) => {
    const d = await describe();
    res.json({
      domain: config.domain,
      title: config.commune.name,
      version: `${COMPATIBLE_API_VERSION} (compatible; Parvis ${PARVIS_VERSION})`,
      source_url: "https://www.gnu.org/licenses/agpl-3.0.html",
      description: d.settings.description,
      usage: { users: { active_month: d.usage.activeMonth } },
      thumbnail: { url: `${config.origin}/avatars/original/missing.png` },
      icon: [],
      languages: ["fr", "en"],
      configuration,
      registrations: {
        enabled: d.settings.registrationMode !== "closed",
        approval_required: d.settings.registrationMode === "approval",
        message: null,
        url: null,
      },
      api_versions: { mastodon: 2 },
      contact: { email: d.settings.contactEmail, account: d.contact },
      rules: d.rules,
      parvis: parvis(d.settings),
    });
  });

  router.get("/api/v1/instance", async (_req, res) => {
    const d = await describe();
    res.json({
      uri: config.domain,
      title: config.commune.name,
      short_description: d.settings.description.slice(0, 200),
      description: d.settings.description,
      email: d.settings.contactEmail,
      version: `${COMPATIBLE_API_VERSION} (compatible; Parvis ${PARVIS_VERSION})`,
      urls: configuration.urls,
      stats: { user_count: d.usage.users, status_count: d.usage.localPosts, domain_count: d.usage.domains },
      thumbnail: `${config.origin}/avatars/original/missing.png`,
      languages: ["fr", "en"],
      registrations: d.settings.registrationMode !== "closed",
      approval_required: d.settings.registrationMode === "approval",
      invites_enabled: false,
      configuration,
      contact_account: d.contact,
      rules: d.rules,
      parvis: parvis(d.settings),
    });
  });

  // as Mastodon in limited-federation mode: an allowlist instance does not publish its peers or activity
  const publicFederation = async () => {
    if ((await getSettings(ctx)).federationMode !== "open") throw new NotFound();
  };

  router.get("/api/v1/instance/peers", async (_req, res) => {
    await publicFederation();
    res.setHeader("Cache-Control", "public, max-age=3600");
    res.json(await knownPeers(ctx));
  });

  router.get("/api/v1/instance/activity", async (_req, res) => {
    await publicFederation();
    res.setHeader("Cache-Control", "public, max-age=3600");
    res.json(
      (await weeklyActivity(ctx)).map((w) => ({
        week: String(Math.floor(w.week.getTime() / 1000)),
        statuses: String(w.statuses),
        logins: String(w.logins),
        registrations: String(w.registrations),
      })),
    );
  });

  router.get("/api/v1/instance/rules", async (_req, res) => {
    const rules = await listRules(ctx);
    res.json(rules.map((r) => ({ id: r.id, text: r.text, hint: r.hint })));
  });

  // No custom emojis on Parvis: the honest answer is an empty list.
  router.get("/api/v1/custom_emojis", (_req, res) => {
    res.json([]);
  });

  return router;
}
