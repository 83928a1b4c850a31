// A local group's actor as Update(Group) embeds it (GroupWithTerms: Lemmy's and
// Parvis's terms, under their full IRIs once Fedify compacts the activity) reads
// back, through groupToData, as what the group is: kind, posting, charter.
import { Group, Update } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { groupToData } from "../../federation/from-activitypub/actor";
import { groupActorWithTerms, updateGroupActor } from "../../federation/to-activitypub/group";
import type { LoadedGroup } from "../../server/domain/groups";

function loaded(group: Partial<LoadedGroup["group"]> = {}): LoadedGroup {
  return {
    account: { uri: "https://a.example/groups/jardin", username: "jardin", displayName: "Jardin", note: "<p>Le jardin</p>", createdAt: new Date("2026-01-01"), avatarUrl: null, headerUrl: null },
    group: { membership: "approval", visibility: "public", posting: "moderators", kind: "vigilance", charter: "Respecter les parcelles", charterVersion: 3, area: null, ...group },
  } as unknown as LoadedGroup;
}

async function embeddedGroup(l: LoadedGroup): Promise<{ group: Group; raw: Record<string, unknown> }> {
  const update = updateGroupActor("https://a.example", l, groupActorWithTerms("https://a.example", l, { rsa: null, ed25519: null }));
  const json = (await update.toJsonLd()) as Record<string, unknown>;
  const parsed = await Update.fromJsonLd(json);
  const group = await parsed.getObject();
  expect(group).toBeInstanceOf(Group);
  return { group: group as Group, raw: json.object as Record<string, unknown> };
}

describe("Update(Group)'s embedded actor", () => {
  it("carries the group's terms, read back as the stored group", async () => {
    const { group, raw } = await embeddedGroup(loaded());
    expect(group.name?.toString()).toBe("Jardin");
    expect(await groupToData(group, raw)).toMatchObject({ kind: "vigilance", posting: "moderators", membership: "approval", visibility: "public", charter: "Respecter les parcelles", charterVersion: 3 });
  });

  it("a Parvis group without a charter (emptied) reads as an empty charter", async () => {
    const { group, raw } = await embeddedGroup(loaded({ charter: "", kind: "topic", posting: "members" }));
    expect(await groupToData(group, raw)).toMatchObject({ kind: "topic", posting: "members", charter: "" });
  });
});
