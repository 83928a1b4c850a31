// Periodic jobs of an instance: scheduled statuses published on time, ended
// polls closed (with their notifications), suspended residents deleted once
// their grace period is over. Their state lives in the database,
// so a restart loses nothing: the next run takes up what is due. They run in
// every process but the web-only ones (PARVIS_PROCESS_ROLE=web); two worker
// processes share the work without doing it twice (rows are claimed).
import type { Module, ModuleFactory } from "./instance";
import { publishDueAnnouncements } from "./domain/announcements";
import { closeEndedPolls } from "./domain/polls";
import { publishDueStatuses } from "./domain/statuses";
import { purgeExpiredSuspensions } from "./domain/moderation";
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
    tick();
    const timer = setInterval(tick, options.intervalMs ?? JOBS_INTERVAL_MS);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await running;
      },
    };
  };
}
