// Observations made through the domain, as the API would make them.
import { createStatus } from "../../server/domain/statuses";
import { observations, type ObservationKind } from "../../server/db/schema";
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
  const status = await createStatus(t.services.domain, author.account, {
    text: input.text ?? "Caméra vue ici",
    visibility: input.visibility ?? "public",
    ...(input.groupId ? { groupId: input.groupId } : {}),
  });
  await t.services.db.insert(observations).values({
    statusId: status.id,
    kind: input.kind ?? "camera",
    latitude: input.latitude,
    longitude: input.longitude,
    tags: input.tags ?? { "surveillance:type": "camera" },
  });
  return { id: status.id };
}
