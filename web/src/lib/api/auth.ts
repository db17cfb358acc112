import type { CreatedTokenResponse, LoginRequest, MeResponse, TokenProps } from '../types';
import { getJson, sendJson } from './client';

// The session's own calls: their 401s are answers (wrong password, signed out), so they never
// open the "sign in again" dialog.
const own = { reauthenticate: false };

/** POST /api/auth/login: sets the session cookie and answers who signed in, with the CSRF token. */
export const login = (body: LoginRequest) => sendJson<MeResponse>('POST', 'auth/login', body, {}, own);

/** POST /api/auth/logout: 204, and the cookie is cleared. */
export const logout = () => sendJson<undefined>('POST', 'auth/logout', undefined, {}, own);

/** GET /api/auth/me: 401 (`unauthenticated` or `session_expired`) when signed out. */
export const fetchMe = (init?: RequestInit) => getJson<MeResponse>('auth/me', {}, init, own);

/** GET /api/auth/tokens: the caller's personal API tokens, revoked ones included. */
export const fetchTokens = (init?: RequestInit) => getJson<TokenProps[]>('auth/tokens', {}, init);

/** POST /api/auth/tokens: the answer is the only time the whole token is shown. */
export const createToken = (name: string) => sendJson<CreatedTokenResponse>('POST', 'auth/tokens', { name });

/** DELETE /api/auth/tokens/:id */
export const revokeToken = (id: number) => sendJson<undefined>('DELETE', `auth/tokens/${id}`);
