// Residents' data rights (Parvis extensions, docs/api.md): their archive,
// imports of Mastodon CSV files, their aliases and moving to another account. Account deletion and its
// cancellation live with the web session (web-session.ts).
import { Router } from "express";
import multer from "multer";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { authRateLimit } from "../auth/rate-limit";
import { addAlias, listAliases, loadAccountView, removeAlias } from "../domain/accounts";
import { moveResident } from "../domain/follows";
import { serializeAccount } from "../entities/account";
import { latestExport, readyExportFile, requestExport, type DataExport } from "../domain/export";
import { IMPORT_TYPES, createImport, getImport, listImports, type DataImport, type DataImportRow } from "../domain/imports";
import { Invalid, NotFound } from "../errors";
import type { Services } from "../services";
import { idParam, multipart, parseBody, parseQuery } from "./http";

function serializeExport(row: DataExport | null) {
  if (!row) return { state: "none" };
  return {
    id: row.id,
    state: row.state,
    step: row.step || null,
    progress: { done: row.done, total: row.total },
    size: row.size,
    created_at: row.createdAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
    expires_at: row.expiresAt?.toISOString() ?? null,
    download_url: row.state === "ready" ? "/api/parvis/account/export/file" : null,
    error: row.state === "failed" ? "The archive could not be built" : null,
  };
}

function serializeImport(row: DataImport) {
  return {
    id: row.id,
    type: row.type,
    mode: row.mode,
    state: row.state,
    total: row.total,
    processed: row.processed,
    failed: row.failed,
    created_at: row.createdAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

function serializeLine(row: DataImportRow) {
  return { line: row.line, target: row.target, state: row.state, error: row.error };
}

export function dataRightsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;

  router.get("/api/parvis/account/export", requireAuth(), async (req, res) => {
    res.json(serializeExport(await latestExport(ctx, currentAuth(req).account.id)));
  });

  router.post("/api/parvis/account/export", requireAuth(), authRateLimit(services.config.authRateLimit), async (req, res) => {
    const row = await requestExport(ctx, currentAuth(req).account.id);
    res.status(202).json(serializeExport(row));
  });

  // the archive itself, to its owner only (their session or token)
  router.get("/api/parvis/account/export/file", requireAuth(), async (req, res) => {
    const me = currentAuth(req).account;
    const ready = await readyExportFile(ctx, me.id);
    if (!ready) throw new NotFound("No archive is ready");
    const day = ready.row.createdAt.toISOString().slice(0, 10);
    res.setHeader("Cache-Control", "private, no-store");
    res.download(ready.path, `parvis-${me.username}-${day}.zip`, { headers: { "Content-Type": "application/zip" } });
  });

  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: services.config.dataRights.importMaxBytes, files: 1, fields: 5, fieldSize: 100 },
  });
  const importFields = z.object({
    type: z.enum(IMPORT_TYPES),
    mode: z.enum(["merge", "overwrite"]).default("merge"),
  });

  router.post("/api/parvis/account/import", requireAuth(), authRateLimit(services.config.authRateLimit), multipart(upload.single("data")), async (req, res) => {
    const body = parseBody(importFields, req);
    if (!req.file) throw new Invalid("Validation failed: data (the CSV file) can't be blank");
    const row = await createImport(ctx, currentAuth(req).account.id, { type: body.type, mode: body.mode, file: req.file.buffer });
    res.status(202).json(serializeImport(row));
  });

  router.get("/api/parvis/account/imports", requireAuth(), async (req, res) => {
    res.json((await listImports(ctx, currentAuth(req).account.id)).map(serializeImport));
  });

  const linesQuery = z.object({
    limit: z.coerce.number().int().min(1).max(500).catch(100).default(100),
    after_line: z.coerce.number().int().min(0).max(1_000_000).catch(0).default(0),
    failed: z.enum(["true", "false"]).catch("false").default("false"),
  });
  router.get("/api/parvis/account/import/:id", requireAuth(), async (req, res) => {
    const q = parseQuery(linesQuery, req);
    const found = await getImport(ctx, currentAuth(req).account.id, idParam(req), { limit: q.limit, afterLine: q.after_line, failedOnly: q.failed === "true" });
    res.json({ ...serializeImport(found.import), lines: found.rows.map(serializeLine) });
  });

  router.get("/api/parvis/account/aliases", requireAuth(), async (req, res) => {
    res.json(await listAliases(ctx, currentAuth(req).account.id));
  });

  router.post("/api/parvis/account/aliases", requireAuth(), async (req, res) => {
    const body = parseBody(z.object({ acct: z.string().min(1).max(320) }), req);
    res.json(await addAlias(ctx, currentAuth(req).account.id, body.acct));
  });

  router.delete("/api/parvis/account/aliases", requireAuth(), async (req, res) => {
    const body = parseBody(z.object({ alias: z.string().min(1).max(2048) }), req);
    res.json(await removeAlias(ctx, currentAuth(req).account.id, body.alias));
  });

  // Moving to another account (Move): the new account must list this one among its aliases.
  const moveSchema = z
    .object({
      target_acct: z.string().min(1).max(320).optional(),
      target_uri: z.string().min(1).max(2048).optional(),
      password: z.string().min(1).max(1000),
    })
    .refine((b) => (b.target_acct === undefined) !== (b.target_uri === undefined), { message: "give target_acct or target_uri (one of them)", path: ["target_acct"] });
  router.post("/api/parvis/account/move", requireAuth(), authRateLimit(services.config.authRateLimit), async (req, res) => {
    const body = parseBody(moveSchema, req);
    const { account } = await moveResident(ctx, {
      userId: currentAuth(req).user.id,
      password: body.password,
      targetAcct: body.target_acct,
      targetUri: body.target_uri,
    });
    res.json(serializeAccount(services.config.origin, await loadAccountView(ctx, account)));
  });

  return router;
}
