/**
 * The Content-Security-Policy of cliplab's own pages, shared by web mode (an HTTP header) and the
 * Electron shell (a session header). Only the app's own scripts, styles and fonts; no inline code,
 * no eval, no plugins, no framing; the page talks to its own origin only (the API and the event
 * stream in web mode). Images may be data:/blob: URLs because exported figures are previewed that way.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The same policy for a `<meta http-equiv>` in index.html, so the page carries it wherever it is
 * opened from. Browsers ignore `frame-ancestors` in a meta tag (the header keeps it).
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
