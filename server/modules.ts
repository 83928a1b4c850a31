// The optional parts of a full instance, in one place so that main.ts and the
// tests start the same product.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RequestHandler } from "express";
import type { Config } from "./config";
import type { ModuleFactory } from "./instance";
import { clientHandler } from "./web/client";
import { realtimeModule } from "./realtime";
import { federationModule } from "../federation/module";
import { jobsModule } from "./jobs";
import { pushModule } from "./push";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function defaultModules(_config: Config): ModuleFactory[] {
  return [federationModule(), realtimeModule, jobsModule(), pushModule()];
}

export function defaultClient(): RequestHandler {
  return clientHandler(join(root, "dist", "client"));
}
