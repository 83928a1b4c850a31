// The public moderation log as the instance actor advertises it: its `streams`
// (ActivityStreams' "supplementary collections") list the log's OrderedCollection,
// which the API router serves at /moderation_log outside Fedify
// (server/api/moderation-log.ts, docs/federation.md).
import { paths } from "../server/urls";

export function instanceActorStreams(actorUri: URL): URL[] {
  return [new URL(paths.moderationLog, actorUri)];
}
