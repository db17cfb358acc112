import type { UserRole } from '../contracts/enums';

/** Who is asking. Services take it as an argument and shape what they return by it. */
export type Caller =
  | { kind: 'anonymous'; role: 'public'; sessionExpired?: boolean }
  | {
      kind: 'user';
      role: UserRole;
      userId: number;
      username: string;
      /** Region ids a planner may edit inside (each with everything below it); empty for other roles. */
      scopes: number[];
      /** How the caller proved who they are: a browser session cookie or a personal API token. */
      via: 'session' | 'token';
      /** The session's CSRF token (browser sessions only). */
      csrfToken?: string;
      sessionIdHash?: string;
    };

export type Role = Caller['role'];

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous', role: 'public' });

/**
 * Grid workers' names and phones are personal data: signed-in staff (admins, planners, officials)
 * may see them, the public never. `hideFromEveryone` is the deployment-wide stricter switch
 * (HIDE_PERSONAL_DATA=true).
 */
export function maySeePersonalData(caller: Caller, hideFromEveryone = false): boolean {
  return !hideFromEveryone && caller.kind === 'user';
}
