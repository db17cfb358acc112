import { Router } from 'express';
import { CreateTokenBody, IdPath, LoginBody, NoQuery } from '../contracts';
import type { AuthService } from '../services/auth.service';
import { access, callerOf } from './access';
import { SESSION_COOKIE, clearSessionCookie, sessionCookieOptions } from './authenticate';
import { jsonBody } from './body';

/** Sign-in, sign-out, "who am I", and each account's personal API tokens. */
export function authRoutes(auth: AuthService) {
  const router = Router();
  const small = jsonBody({ limit: '16kb' });

  // Sign-in is rate-limited per address by the API's limiter (rate-limit.ts), and per account here.
  router.post('/auth/login', access.public, small, async (req, res) => {
    NoQuery.parse(req.query);
    const body = LoginBody.parse(req.body);
    const signIn = await auth.login({
      username: body.username,
      password: body.password,
      address: req.ip ?? '',
      userAgent: req.get('user-agent') ?? '',
    });
    res.cookie(SESSION_COOKIE, signIn.sessionId, sessionCookieOptions(req, signIn.maxAge_s));
    res.set('Cache-Control', 'no-store');
    res.json(signIn.me);
  });

  router.post('/auth/logout', access.public, async (req, res) => {
    NoQuery.parse(req.query);
    await auth.logout(callerOf(req));
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/auth/me', access.signedIn, async (req, res) => {
    NoQuery.parse(req.query);
    res.set('Cache-Control', 'no-store');
    res.json(await auth.me(callerOf(req)));
  });

  router.get('/auth/tokens', access.signedIn, async (req, res) => {
    NoQuery.parse(req.query);
    res.json(await auth.tokens.list(callerOf(req)));
  });

  router.post('/auth/tokens', access.signedIn, small, async (req, res) => {
    NoQuery.parse(req.query);
    const body = CreateTokenBody.parse(req.body);
    res.set('Cache-Control', 'no-store');
    res.status(201).json(await auth.tokens.create(callerOf(req), body.name));
  });

  router.delete('/auth/tokens/:id', access.signedIn, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = IdPath('token id').parse(req.params);
    await auth.tokens.revoke(callerOf(req), id);
    res.status(204).end();
  });

  return router;
}
