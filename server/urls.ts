// Where local things live. Federation dispatchers and serializers both use these,
// so the URL scheme is defined once.
export const paths = {
  actor: (username: string) => `/users/${username}`,
  status: (username: string, id: string) => `/users/${username}/statuses/${id}`,
  profilePage: (username: string) => `/@${username}`,
  statusPage: (username: string, id: string) => `/@${username}/${id}`,
  tagPage: (name: string) => `/tags/${encodeURIComponent(name)}`,
  media: (fileName: string) => `/media/${fileName}`,
  /** the public moderation log: an ActivityPub OrderedCollection, or the web page when HTML is asked for */
  moderationLog: "/moderation_log",
};

export function localUrls(origin: string) {
  return {
    actor: (username: string) => origin + paths.actor(username),
    status: (username: string, id: string) => origin + paths.status(username, id),
    profilePage: (username: string) => origin + paths.profilePage(username),
    statusPage: (username: string, id: string) => origin + paths.statusPage(username, id),
    tagPage: (name: string) => origin + paths.tagPage(name),
    media: (fileName: string) => origin + paths.media(fileName),
    moderationLog: origin + paths.moderationLog,
  };
}

/**
 * Is `url` on this server (same scheme, host and port as `origin`)? The one
 * test federation uses before fetching, trusting or delivering anything: an
 * object of ours is never fetched back nor stored as a remote copy.
 */
export function isLocalUrl(origin: string, url: URL): boolean {
  return url.origin === new URL(origin).origin;
}

/** The addresses a new local actor's account row carries (a resident, the instance's own bot account). */
export function localActorAddresses(origin: string, username: string) {
  const urls = localUrls(origin);
  const actor = urls.actor(username);
  return {
    uri: actor,
    url: urls.profilePage(username),
    inboxUrl: `${actor}/inbox`,
    sharedInboxUrl: `${origin}/inbox`,
    outboxUrl: `${actor}/outbox`,
    followersUrl: `${actor}/followers`,
    followingUrl: `${actor}/following`,
    featuredUrl: `${actor}/collections/featured`,
  };
}
