/** Only a path of this site may follow a login: never "//elsewhere" or a full URL. */
export function safeNextPath(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/home";
}
