// What the live streams ask of other concepts. Lists, conversations and
// announcements plug in here (see StreamHooks in dispatch.ts): a missing hook
// means the list stream refuses subscriptions, direct messages stream a
// conversation named after the status, and announcements are not streamed.
import type { StreamHooks } from "./dispatch";

export const streamHooks: StreamHooks = {};
