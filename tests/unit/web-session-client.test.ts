// @vitest-environment happy-dom
/**
 * The web API client's side of the session: the CSRF header on writes, and the one place that
 * handles 401 / 403 / 409 / 422 / 429 / 503 (client.ts), with the messages in the page's language
 * (i18n/api-errors.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, getJson, sendJson, setSessionHooks, type SessionHooks } from '../../web/src/lib/api/client';
import { createToken, fetchMe, login, logout, revokeToken } from '../../web/src/lib/api/auth';
import { createUser, updateUser } from '../../web/src/lib/api/users';
import { describeError, OWN_SENTENCE } from '../../web/src/lib/i18n/api-errors';
import { dictionaries, LOCALES } from '../../web/src/lib/i18n/translate';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch that gives the answers in order (the last one again if it runs out) and records each request. */
function serve(...answers: Answer[]) {
  const requests: { url: string; method: string; headers: Headers; body: string | null }[] = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
    requests.push({
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : null,
    });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    const text = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(answer.status === 204 ? null : text, { status: answer.status, headers: answer.headers });
  });
  vi.stubGlobal('fetch', fetchMock);
  return requests;
}

const errorBody = (code: string, message = `server says ${code}`) => ({ error: { code, message } });

/** Hooks as the session module registers them, with a CSRF token that the test can change. */
function hooks(overrides: Partial<SessionHooks> = {}) {
  const state = { csrf: 'csrf-1' as string | null, signedIn: true };
  const registered: SessionHooks = {
    csrfToken: () => state.csrf,
    signedIn: () => state.signedIn,
    reauthenticate: vi.fn(async () => false),
    refreshCsrf: vi.fn(async () => false),
    ...overrides,
  };
  setSessionHooks(registered);
  return { state, registered };
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

afterEach(() => {
  setSessionHooks(null);
  vi.unstubAllGlobals();
});

describe('the CSRF header', () => {
  it('goes on every write, with the JSON body, and never on a read', async () => {
    hooks();
    const requests = serve({ status: 200, body: { ok: true } });
    await getJson('grids');
    await sendJson('POST', 'auth/tokens', { name: 'nightly' });
    await sendJson('PATCH', 'users/3', { disabled: true });
    await sendJson('DELETE', 'auth/tokens/9');
    expect(requests.map((r) => [r.method, r.url, r.headers.get('X-CSRF-Token')])).toEqual([
      ['GET', '/api/grids', null],
      ['POST', '/api/auth/tokens', 'csrf-1'],
      ['PATCH', '/api/users/3', 'csrf-1'],
      ['DELETE', '/api/auth/tokens/9', 'csrf-1'],
    ]);
    expect(requests[1]!.headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(requests[1]!.body!)).toEqual({ name: 'nightly' });
    // No body, no Content-Type: a DELETE sends nothing to parse.
    expect(requests[3]!.headers.get('Content-Type')).toBeNull();
    expect(requests[3]!.body).toBeNull();
  });

  it('is left off when signed out (no token, or no session module at all)', async () => {
    const { state } = hooks();
    state.csrf = null;
    const requests = serve({ status: 200, body: {} });
    await sendJson('POST', 'auth/login', { username: 'a', password: 'b' });
    setSessionHooks(null);
    await sendJson('POST', 'auth/login', { username: 'a', password: 'b' });
    expect(requests.map((r) => r.headers.has('X-CSRF-Token'))).toEqual([false, false]);
  });

  it('follows the session: a new sign-in sends its new token', async () => {
    const { state } = hooks();
    const requests = serve({ status: 201, body: { id: 1, token: 'wg_x' } });
    await createToken('one');
    state.csrf = 'csrf-2';
    await createToken('two');
    expect(requests.map((r) => r.headers.get('X-CSRF-Token'))).toEqual(['csrf-1', 'csrf-2']);
  });

  it('the route wrappers use the documented methods and paths', async () => {
    hooks();
    const requests = serve({ status: 200, body: {} });
    await login({ username: 'demo-planner', password: 'pw' });
    await logout();
    await fetchMe();
    await revokeToken(12);
    await createUser({ username: 'new.planner', password: 'long-enough-pw', role: 'planner', scopes: [4, 7] });
    await updateUser(5, { password: 'another-long-pw' });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/auth/login',
      'POST /api/auth/logout',
      'GET /api/auth/me',
      'DELETE /api/auth/tokens/12',
      'POST /api/users',
      'PATCH /api/users/5',
    ]);
    expect(JSON.parse(requests[4]!.body!)).toEqual({
      username: 'new.planner',
      password: 'long-enough-pw',
      role: 'planner',
      scopes: [4, 7],
    });
  });
});

describe('answers', () => {
  it('a 204 resolves to undefined; a 201 to its body', async () => {
    hooks();
    serve({ status: 204 });
    await expect(sendJson('DELETE', 'auth/tokens/1')).resolves.toBeUndefined();
    serve({ status: 201, body: { id: 3, name: 'x', token: 'wg_secret' } });
    await expect(createToken('x')).resolves.toMatchObject({ id: 3, token: 'wg_secret' });
  });
});

describe('a session that ended under the page (401)', () => {
  it('asks to sign in again, then sends the failed write again with the new CSRF token', async () => {
    const { state, registered } = hooks({
      reauthenticate: vi.fn(async (error: ApiError) => {
        expect(error).toMatchObject({ status: 401, code: 'session_expired' });
        state.csrf = 'csrf-after-sign-in';
        return true;
      }),
    });
    const requests = serve(
      { status: 401, body: errorBody('session_expired') },
      { status: 200, body: { id: 5, disabled: true } },
    );
    await expect(updateUser(5, { disabled: true })).resolves.toEqual({ id: 5, disabled: true });
    expect(registered.reauthenticate).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.headers.get('X-CSRF-Token'))).toEqual(['csrf-1', 'csrf-after-sign-in']);
    // The same request, body included.
    expect(requests[1]!.body).toBe(requests[0]!.body);
    expect(requests[1]!.url).toBe('/api/users/5');
  });

  it('retries a read too (a signed-in list such as the tokens)', async () => {
    const { registered } = hooks({ reauthenticate: vi.fn(async () => true) });
    serve({ status: 401, body: errorBody('session_expired') }, { status: 200, body: [] });
    await expect(getJson('auth/tokens')).resolves.toEqual([]);
    expect(registered.reauthenticate).toHaveBeenCalledTimes(1);
  });

  it('treats any 401 as an ended session while the page thinks it is signed in', async () => {
    const { registered } = hooks({ reauthenticate: vi.fn(async () => true) });
    serve({ status: 401, body: errorBody('unauthenticated') }, { status: 200, body: { ok: 1 } });
    await expect(sendJson('POST', 'auth/tokens', { name: 'n' })).resolves.toEqual({ ok: 1 });
    expect(registered.reauthenticate).toHaveBeenCalledTimes(1);
  });

  it('throws the 401 when the person gives up, and retries at most once', async () => {
    const { registered } = hooks();
    const requests = serve({ status: 401, body: errorBody('session_expired') });
    const error = await caught(sendJson('POST', 'auth/tokens', { name: 'n' }));
    expect(error).toMatchObject({ status: 401, code: 'session_expired' });
    expect(registered.reauthenticate).toHaveBeenCalledTimes(1);
    expect(requests).toHaveLength(1);

    // Signed in again, but the server still says 401: thrown, not a loop.
    const looping = hooks({ reauthenticate: vi.fn(async () => true) });
    const again = serve({ status: 401, body: errorBody('session_expired') });
    await caught(sendJson('POST', 'auth/tokens', { name: 'n' }));
    expect(looping.registered.reauthenticate).toHaveBeenCalledTimes(1);
    expect(again).toHaveLength(2);
  });

  it('signed out, "this needs an account" is just an error: no dialog', async () => {
    const { state, registered } = hooks();
    state.signedIn = false;
    state.csrf = null;
    serve({ status: 401, body: errorBody('unauthenticated') });
    const error = await caught(getJson('users'));
    expect(error.code).toBe('unauthenticated');
    expect(registered.reauthenticate).not.toHaveBeenCalled();
  });

  it("the session's own calls never open the dialog: a wrong password is the sign-in form's answer", async () => {
    const { registered } = hooks({ reauthenticate: vi.fn(async () => true) });
    serve({ status: 401, body: errorBody('invalid_credentials', 'Wrong username or password.') });
    const error = await caught(login({ username: 'demo-planner', password: 'wrong' }));
    expect(error).toMatchObject({ status: 401, code: 'invalid_credentials' });
    serve({ status: 401, body: errorBody('session_expired') });
    await caught(fetchMe());
    await caught(logout());
    expect(registered.reauthenticate).not.toHaveBeenCalled();
  });

  it('an aborted request is not retried', async () => {
    const { registered } = hooks({ reauthenticate: vi.fn(async () => true) });
    const controller = new AbortController();
    const requests = serve({ status: 401, body: errorBody('session_expired') });
    const pending = getJson('auth/tokens', {}, { signal: controller.signal });
    controller.abort();
    await pending.catch(() => undefined);
    expect(registered.reauthenticate).not.toHaveBeenCalled();
    expect(requests.length).toBeLessThanOrEqual(1);
  });
});

describe('403', () => {
  it('csrf_failed fetches a fresh token and sends the write once more', async () => {
    const { state, registered } = hooks({
      refreshCsrf: vi.fn(async () => {
        state.csrf = 'csrf-fresh';
        return true;
      }),
    });
    const requests = serve({ status: 403, body: errorBody('csrf_failed') }, { status: 204 });
    await expect(revokeToken(4)).resolves.toBeUndefined();
    expect(registered.refreshCsrf).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.headers.get('X-CSRF-Token'))).toEqual(['csrf-1', 'csrf-fresh']);
  });

  it('forbidden is thrown as it is, with a clear message in the page language', async () => {
    const { registered } = hooks();
    const requests = serve({
      status: 403,
      body: errorBody('forbidden', 'This needs the role admin; you are signed in as planner.'),
    });
    const error = await caught(getJson('users'));
    expect(error).toMatchObject({ status: 403, code: 'forbidden' });
    expect(requests).toHaveLength(1);
    expect(registered.reauthenticate).not.toHaveBeenCalled();
    expect(registered.refreshCsrf).not.toHaveBeenCalled();
    expect(describeError('zh-CN', error)).toBe('您的账户角色无权执行此操作。');
    expect(describeError('en', error)).toBe('Your account’s role may not do this.');
    expect(describeError('zh-CN', new ApiError('x', 403, 'outside_scope'))).toBe('超出您负责的区域，无权修改。');
  });
});

describe('errors in the page language', () => {
  it('reads Retry-After into the error and words a locked sign-in in minutes', async () => {
    hooks();
    serve({ status: 429, body: errorBody('too_many_attempts'), headers: { 'Retry-After': '90' } });
    const error = await caught(login({ username: 'demo-planner', password: 'x' }));
    expect(error.retryAfter_s).toBe(90);
    expect(describeError('zh-CN', error)).toBe('登录失败次数过多，请 2 分钟后再试。');
    expect(describeError('en', error)).toBe('Too many failed sign-ins. Try again in 2 min.');
  });

  it('words each status a person can meet', async () => {
    hooks();
    serve({ status: 401, body: errorBody('invalid_credentials') });
    const wrong = await caught(login({ username: 'a', password: 'b' }));
    expect(describeError('zh-CN', wrong)).toBe('用户名或密码错误。');
    expect(describeError('en', wrong)).toBe('Wrong username or password.');

    serve({ status: 429, body: errorBody('rate_limited'), headers: { 'Retry-After': '7' } });
    expect(describeError('zh-CN', await caught(getJson('nearest')))).toBe('请求过于频繁，请 7 秒后再试。');

    serve({ status: 409, body: errorBody('username_taken') });
    expect(describeError('zh-CN', await caught(createUser({ username: 'x', password: 'y', role: 'official' })))).toBe(
      '该用户名已被使用，请换一个。',
    );
    serve({ status: 409, body: errorBody('write_refused', 'The grid changed since you opened it.') });
    expect(describeError('en', await caught(sendJson('PATCH', 'grids/1', {})))).toBe(
      'This conflicts with existing data: The grid changed since you opened it.',
    );

    serve({ status: 422, body: errorBody('invalid_geometry', 'ring 0 does not close') });
    expect(describeError('zh-CN', await caught(sendJson('PUT', 'grids/1', {})))).toBe(
      '请求内容有误：ring 0 does not close',
    );

    serve({ status: 503, body: errorBody('busy'), headers: { 'Retry-After': '3' } });
    expect(describeError('zh-CN', await caught(getJson('coverage')))).toBe('服务器繁忙，请 3 秒后重试。');
    serve({ status: 503, body: errorBody('database_unavailable'), headers: { 'Retry-After': '5' } });
    const down = await caught(getJson('grids'));
    expect(down.retryAfter_s).toBe(5);
    expect(describeError('en', down)).toBe('The database is unavailable for the moment; try again shortly.');

    serve({ status: 500, body: errorBody('internal') });
    expect(describeError('zh-CN', await caught(getJson('grids')))).toBe('服务器出错了（500），请稍后重试。');
  });

  it('has a sentence in both languages for every code it words itself', () => {
    for (const locale of LOCALES) {
      for (const code of OWN_SENTENCE) {
        expect(dictionaries[locale], `${locale} ${code}`).toHaveProperty([`apiError.${code}`]);
        const text = describeError(locale, new ApiError('server text', 400, code));
        expect(text).not.toContain('server text');
        expect(text.trim()).not.toBe('');
      }
    }
  });

  it('says the server cannot be reached when fetch itself fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    const error = await getJson('grids').catch((thrown: unknown) => thrown);
    expect(describeError('zh-CN', error)).toBe('无法连接服务器');
  });
});
