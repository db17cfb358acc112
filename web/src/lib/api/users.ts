import type { CreateUserRequest, UpdateUserRequest, UserProps } from '../types';
import { getJson, sendJson } from './client';

/** GET /api/users (admins) */
export const fetchUsers = (init?: RequestInit) => getJson<UserProps[]>('users', {}, init);

/** POST /api/users (admins): `scopes` are region ids, for planners only. */
export const createUser = (body: CreateUserRequest) => sendJson<UserProps>('POST', 'users', body);

/** PATCH /api/users/:id (admins): role, displayName, password, disabled or scopes. */
export const updateUser = (id: number, body: UpdateUserRequest) => sendJson<UserProps>('PATCH', `users/${id}`, body);
