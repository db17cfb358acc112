import { Router } from 'express';
import { CreateUserBody, IdPath, NoQuery, UpdateUserBody } from '../contracts';
import type { UsersService } from '../services/users.service';
import { access, callerOf } from './access';
import { jsonBody } from './body';

/** Account management, for admins only. */
export function usersRoutes(users: UsersService) {
  const router = Router();
  const small = jsonBody({ limit: '16kb' });
  const admin = access.roles('admin');

  router.get('/users', admin, async (req, res) => {
    NoQuery.parse(req.query);
    res.json(await users.list());
  });

  router.post('/users', admin, small, async (req, res) => {
    NoQuery.parse(req.query);
    res.status(201).json(await users.create(CreateUserBody.parse(req.body)));
  });

  router.get('/users/:id', admin, async (req, res) => {
    NoQuery.parse(req.query);
    res.json(await users.get(IdPath('user id').parse(req.params).id));
  });

  router.patch('/users/:id', admin, small, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = IdPath('user id').parse(req.params);
    const caller = callerOf(req);
    res.json(await users.update(id, UpdateUserBody.parse(req.body), caller.kind === 'user' ? caller.userId : null));
  });

  return router;
}
