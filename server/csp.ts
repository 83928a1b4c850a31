// The Content-Security-Policy every response carries, and its one variant.
/** Content-Security-Policy directives: no inline scripts, no third-party origins. */
const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join("; ");

/**
 * The same policy with `form-action` widened to one more source: the OAuth
 * authorize page posts a form whose answer redirects to the app (browsers check
 * form-action against every redirect of a form submission).
 */
export function contentSecurityPolicyWithFormAction(source: string): string {
  return CSP_DIRECTIVES.map((d) => (d.startsWith("form-action ") ? `form-action 'self' ${source}` : d)).join("; ");
}
