// The terms the open data is published under: the licence an admin chose
// (default ODbL-1.0, OpenStreetMap's) and the attribution re-users must give.
import type { DomainContext } from "../context";
import { getSettings } from "../instance";

export interface OpenDataTerms {
  /** an SPDX identifier or a URL */
  license: string;
  attribution: string;
}

export async function openDataTerms(ctx: DomainContext): Promise<OpenDataTerms> {
  const settings = await getSettings(ctx);
  return {
    license: settings.openDataLicense,
    attribution: settings.openDataAttribution.trim() || `${ctx.config.commune.name} — contributors of ${ctx.config.domain}`,
  };
}
