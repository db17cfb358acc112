import { fetchMe, login, logout } from '../api/auth';
import { ApiError, setSessionHooks } from '../api/client';
import type { LoginRequest, MeResponse } from '../types';
import { reloadGrids } from './data.svelte';
import { refreshHere } from './selection.svelte';

/** Why the sign-in dialog is open: asked for from the header, or the session ended under the page. */
export type SignInReason = 'signin' | 'expired';
/** The dialogs the account menu opens. */
export type AccountPanel = 'tokens' | 'accounts';

/**
 * Who is signed in. The public map needs no sign-in; signed in, the API adds what the role may see
 * (the grid workers) and the header shows what the role may use.
 */
class SessionState {
  me = $state.raw<MeResponse | null>(null);
  /** True until the first /api/auth/me has answered, so the header doesn't flash "Sign in". */
  checking = $state(true);
  /** The sign-in dialog, when open. */
  dialog = $state<SignInReason | null>(null);
  /** The account dialog open from the menu, if any. */
  panel = $state<AccountPanel | null>(null);
}

export const session = new SessionState();

export const isAdmin = () => session.me?.role === 'admin';

/** Requests that met an ended session and wait for the dialog: true once signed in again. */
let waiting: ((signedIn: boolean) => void)[] = [];

function settle(signedIn: boolean) {
  const resolve = waiting;
  waiting = [];
  for (const done of resolve) done(signedIn);
}

/**
 * Reloads what the API shapes by caller: the grids (they carry their worker's name and phone) and
 * the open "here" answer. The map, the selection and the panels stay; the open grid panel is
 * pointed at the reloaded grid, so its worker appears or disappears in place.
 */
export async function reloadCallerData() {
  await Promise.allSettled([reloadGrids(), refreshHere()]);
}

export function openSignIn(reason: SignInReason = 'signin') {
  session.dialog = reason;
}

/** Closes the dialog without signing in; requests waiting on it fail with their 401. */
export function cancelSignIn() {
  const reason = session.dialog;
  session.dialog = null;
  settle(false);
  // The session had ended: what the page holds was loaded as staff and must now be the public's,
  // and the account dialogs have no account left to show.
  if (reason === 'expired') {
    session.panel = null;
    void reloadCallerData();
  }
}

export function openPanel(panel: AccountPanel) {
  if (panel === 'accounts' && !isAdmin()) return;
  session.panel = panel;
}

export function closePanel() {
  session.panel = null;
}

/** GET /api/auth/me at start; a 401 (signed out, or the cookie's session ended) is simply "signed out". */
export async function loadSession() {
  try {
    session.me = await fetchMe();
  } catch (error) {
    // Anything else (the server down, say) also leaves the public map working, signed out.
    if (!(error instanceof ApiError)) throw error;
    session.me = null;
  } finally {
    session.checking = false;
  }
}

/** POST /api/auth/login; throws the `ApiError` (invalid_credentials, too_many_attempts) for the dialog to show. */
export async function signIn(credentials: LoginRequest) {
  const previous = session.me;
  const me = await login(credentials);
  session.me = me;
  session.dialog = null;
  // Another account's tokens or accounts list must not stay open.
  if (previous && previous.id !== me.id) session.panel = null;
  settle(true);
  await reloadCallerData();
}

/** POST /api/auth/logout. A 401 means the session was already over, which is what was asked for. */
export async function signOut() {
  try {
    await logout();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  session.me = null;
  session.panel = null;
  await reloadCallerData();
}

setSessionHooks({
  csrfToken: () => session.me?.csrfToken ?? null,
  // While the "sign in again" dialog is open the page still counts as signed in, so that every
  // request refused meanwhile waits for the dialog too (the server says `session_expired` only once).
  signedIn: () => session.me !== null || session.dialog === 'expired',
  reauthenticate: () => {
    session.me = null;
    session.dialog = 'expired';
    return new Promise<boolean>((resolve) => waiting.push(resolve));
  },
  refreshCsrf: async () => {
    try {
      session.me = await fetchMe();
    } catch {
      session.me = null;
    }
    return session.me?.csrfToken != null;
  },
});
