/** Session-wide protections: the CSP on the app's own files, and no web permissions at all. */
import type { Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../server/csp';
import type { AppPages } from './pages';

/**
 * File responses carry no headers of their own; the session adds the CSP so the page gets the same
 * policy it gets from the web server. Other URLs (DevTools) are left alone.
 */
export function installSessionSecurity(session: Session, pages: AppPages): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!pages.isAppResource(details.url)) {
      callback({});
      return;
    }
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  // The workbench needs no camera, notifications, geolocation or the like.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
