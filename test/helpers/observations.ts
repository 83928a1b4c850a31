// Observations made through the domain (createObservation), as the API makes them.
import { createObservation } from "../../server/domain/observations";
import type { ObservationKind } from "../../server/db/schema";
import type { Resident } from "./factories";
import type { TestInstance } from "./instance";

export interface ObserveInput {
  kind?: ObservationKind;
  latitude: number;
  longitude: number;
  tags?: Record<string, string>;
  visibility?: "public" | "unlisted" | "private" | "direct";
  groupId?: string;
  text?: string;
}

export async function observe(t: TestInstance, author: Resident, input: ObserveInput): Promise<{ id: string }> {
  const id = await createObservation(t.services.domain, author.account.id, {
    kind: input.kind ?? "camera",
    latitude: input.latitude,
    longitude: input.longitude,
    tags: input.tags ?? (input.kind === "issue" ? { issue: "other" } : { "surveillance:type": "camera" }),
    text: input.text ?? null,
    visibility: input.visibility ?? "public",
    groupId: input.groupId ?? null,
  });
  return { id };
}
