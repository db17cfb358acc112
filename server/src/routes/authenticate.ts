import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { parseCookie } from 'cookie';
import { HttpError } from '../errors';
import type { AuthService } from '../services/auth.service';
import { ANONYMOUS } from '../services/caller';

export const SESSION_COOKIE = 'wangge_session';
export const CSRF_HEADER = 'X-CSRF-Token';
export const SESSION_ENDED_HEADER = 'X-Session-Ended';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** httpOnly so page scripts can't read it; Lax so other sites' links work but their forms don't carry it. */
export const sessionCookieOptions = (req: Request, maxAge_s?: number): CookieOptions => ({
  httpOnly: true,
  sameSite: 'lax',
  // Secure behind HTTPS (directly, or through a proxy the app trusts: TRUST_PROXY).
  secure: req.secure,
  path: '/',
  ...(maxAge_s !== undefined ? { maxAge: maxAge_s * 1000 } : {}),
});

export const clearSessionCookie = (req: Request, res: Response) =>
  res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));

/**
 * Resolves who is calling, on every API request: a personal API token (`Authorization: Bearer`),
 * else the session cookie, else anonymous. A request that carries the session cookie and changes
 * state must also carry the session's CSRF token in `X-CSRF-Token`: a cookie arrives by itself on a
 * cross-site request, the header never does. Token requests need no CSRF token: no browser adds
 * them unasked.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    try {
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(authorization.trim());
        if (!match) throw new HttpError(401, 'invalid_token', 'The Authorization header must be "Bearer <token>".');
        const caller = await auth.fromToken(match[1]!);
        if (!caller)
          throw new HttpError(401, 'invalid_token', 'This API token is unknown, revoked or its account disabled.');
        req.caller = caller;
        next();
        return;
      }
      const sessionId = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
      if (!sessionId) {
        req.caller = ANONYMOUS;
        next();
        return;
      }
      const found = /^[A-Za-z0-9_-]{20,100}$/.test(sessionId) ? await auth.fromSession(sessionId) : null;
      if (!found) {
        // Signed out elsewhere, expired, or the account was disabled: carry on as the public, and let
        // a route that needs an account say the session has ended.
        clearSessionCookie(req, res);
        // The page may think it is signed in: this header lets it ask to sign in again at once.
        res.set(SESSION_ENDED_HEADER, '1');
        req.caller = { kind: 'anonymous', role: 'public', sessionExpired: true };
        next();
        return;
      }
      if (!SAFE_METHODS.has(req.method) && !auth.csrfMatches(found.caller, req.get(CSRF_HEADER))) {
        throw new HttpError(
          403,
          'csrf_failed',
          `This request carries the session cookie but not its ${CSRF_HEADER} header; send the csrfToken from /api/auth/me.`,
        );
      }
      if (found.refresh) res.cookie(SESSION_COOKIE, sessionId, sessionCookieOptions(req, auth.options.sessionTtl_s));
      req.caller = found.caller;
      next();
    } catch (error) {
      next(error);
    }
  };
}
