// The optional parts of a full instance, in one place so that main.ts and the
// tests start the same product.
import type { RequestHandler } from "express";
import type { Config } from "./config";
import { paths } from "./paths";
import type { ModuleFactory } from "./instance";
import { clientHandler } from "./web/client";
import { realtimeModule } from "./realtime";
import { federationModule } from "../federation/module";
import { jobsModule } from "./jobs";
import { pushModule } from "./push";

export function defaultModules(_config: Config): ModuleFactory[] {
  return [federationModule(), realtimeModule, jobsModule(), pushModule()];
}

export function defaultClient(): RequestHandler {
  return clientHandler(paths.clientDist);
}
