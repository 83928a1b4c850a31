// Periodic jobs of an instance: scheduled statuses published on time, ended
// polls closed (with their notifications), suspended residents deleted once
// their grace period is over, and residents' archives, imports and deletions
// (runDataRightsJobs). Their state lives in the database,
// so a restart loses nothing: the next run takes up what is due. They run in
// every process but the web-only ones (PARVIS_PROCESS_ROLE=web); two worker
// processes share the work without doing it twice (rows are claimed).
import type { Module, ModuleFactory } from "./instance";
import { publishDueAnnouncements } from "./domain/announcements";
import { closeEndedPolls } from "./domain/polls";
import { publishDueStatuses } from "./domain/statuses";
import { purgeExpiredSuspensions } from "./domain/moderation";
import { purgeDueDeletions } from "./domain/account-deletion";
import { expireExports, runExports } from "./domain/export";
import { BULK_IMPORT_LINES, importedLines, runImports } from "./domain/imports";
import { analyzeAfterBulkWork } from "./db/maintenance";
import type { Services } from "./services";

export interface JobsOptions {
  /** how often due work is looked for (ms) */
  intervalMs?: number;
}

export const JOBS_INTERVAL_MS = 10_000;

/**
 * One run of every job (tests call it directly). `since`: the previous run, so
 * that announcements that started or stopped showing in between are streamed.
 */
export async function runJobs(services: Services, now = new Date(), since?: Date): Promise<void> {
  const log = services.logger;
  if (since) {
    try {
      await publishDueAnnouncements(services.domain, since, now);
    } catch (err) {
      log.error({ err }, "streaming due announcements failed");
    }
  }
  try {
    const { published, dropped } = await publishDueStatuses(services.domain, now);
    if (published.length) log.info({ published: published.length }, "scheduled statuses published");
    for (const id of dropped) log.warn({ scheduledStatus: id }, "scheduled status could not be published; dropped");
  } catch (err) {
    log.error({ err }, "publishing scheduled statuses failed");
  }
  try {
    const closed = await closeEndedPolls(services.domain, now);
    if (closed) log.info({ closed }, "ended polls closed");
  } catch (err) {
    log.error({ err }, "closing ended polls failed");
  }
  try {
    const purged = await purgeExpiredSuspensions(services.domain, now);
    if (purged.length) log.info({ accounts: purged }, "suspended accounts deleted after their grace period");
  } catch (err) {
    log.error({ err }, "deleting suspended accounts failed");
  }
}

/**
 * Residents' data rights: archives to build, imports to work, accounts whose
 * deletion grace ended, archives expired. Run apart from the jobs above: an
 * archive takes seconds to minutes and must not hold up scheduled posts.
 */
export async function runDataRightsJobs(services: Services, now = new Date()): Promise<void> {
  const log = services.logger;
  const steps: [string, () => Promise<void>][] = [
    [
      "purging deleted accounts",
      async () => {
        const purged = await purgeDueDeletions(services.domain, now);
        if (purged.length) log.info({ purged: purged.length }, "accounts deleted at the end of their grace period");
      },
    ],
    [
      "building archives",
      async () => {
        const { built, failed } = await runExports(services.domain, now);
        if (built.length) log.info({ built: built.length }, "data archives built");
        for (const id of failed) log.warn({ export: id }, "a data archive could not be built");
      },
    ],
    [
      "working imports",
      async () => {
        const finished = await runImports(services.domain, now);
        // a big import changed many rows at once (follows, blocks, accounts): the planner gets
        // fresh statistics now rather than at the next upkeep pass (server/db/maintenance.ts)
        if ((await importedLines(services.domain, finished)) >= BULK_IMPORT_LINES) {
          await analyzeAfterBulkWork(services.db);
          log.info({ imports: finished.length }, "statistics refreshed after a bulk import");
        }
      },
    ],
    [
      "expiring archives",
      async () => {
        const expired = await expireExports(services.domain, now);
        if (expired) log.info({ expired }, "expired data archives deleted");
      },
    ],
  ];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (err) {
      log.error({ err }, `${what} failed`);
    }
  }
}

export function jobsModule(options: JobsOptions = {}): ModuleFactory {
  return (services: Services): Module => {
    if (services.config.processRole === "web") return {};
    let running: Promise<void> | null = null;
    let last = new Date();
    const tick = () => {
      if (running) return;
      const now = new Date();
      const since = last;
      last = now;
      running = runJobs(services, now, since).finally(() => {
        running = null;
      });
    };
    let dataRights: Promise<void> | null = null;
    const dataTick = () => {
      if (dataRights) return;
      dataRights = runDataRightsJobs(services).finally(() => {
        dataRights = null;
      });
    };
    tick();
    dataTick();
    const timer = setInterval(() => {
      tick();
      dataTick();
    }, options.intervalMs ?? JOBS_INTERVAL_MS);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await running;
        await dataRights;
      },
    };
  };
}
