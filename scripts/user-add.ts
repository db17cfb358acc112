/**
 * `npm run user:add -- --role admin <username>`: creates an account in the configured database.
 *
 * Options: `--role admin|planner|official` (required), `--scope <region id or code>` (planners;
 * repeatable), `--name <display name>`. The password is asked for at a terminal (not echoed), or
 * read from WANGGE_PASSWORD when there is no terminal (CI, containers).
 */
import { parseArgs } from 'node:util';
import { USER_ROLES, type UserRole } from '../server/src/contracts';
import { NewPassword, NewUsername } from '../server/src/contracts/auth';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { HttpError } from '../server/src/errors';
import { usersService } from '../server/src/services/users.service';

function fail(message: string): never {
  console.error(`user:add: ${message}`);
  process.exit(2);
}

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          process.stdout.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

const { values, positionals } = parseArgs({
  options: {
    role: { type: 'string' },
    scope: { type: 'string', multiple: true },
    name: { type: 'string' },
  },
  allowPositionals: true,
});

if (positionals.length !== 1) fail('give one username: npm run user:add -- --role admin <username>');
const username = NewUsername.safeParse(positionals[0]);
if (!username.success) fail(username.error.issues[0]!.message);
const role = values.role as UserRole | undefined;
if (!role || !USER_ROLES.includes(role)) fail(`--role must be one of ${USER_ROLES.join(', ')}`);

let password = process.env.WANGGE_PASSWORD;
if (password === undefined) {
  if (!process.stdin.isTTY) fail('no terminal to ask for the password: set WANGGE_PASSWORD');
  password = await promptHidden(`Password for ${username.data}: `);
  const again = await promptHidden('Again: ');
  if (again !== password) fail('the two passwords differ');
}
const checked = NewPassword.safeParse(password);
if (!checked.success) fail(checked.error.issues[0]!.message);

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(database.db);
  const scopes: number[] = [];
  for (const scope of values.scope ?? []) {
    // A statistical code (6, 9 or 12 digits) first, else a region id.
    const byCode = await database.db.selectFrom('region').select('id').where('code', '=', scope).executeTakeFirst();
    const byId =
      byCode ??
      (/^[1-9][0-9]{0,8}$/.test(scope)
        ? await database.db.selectFrom('region').select('id').where('id', '=', Number(scope)).executeTakeFirst()
        : undefined);
    if (!byId) fail(`--scope ${scope}: no region has that code or id`);
    scopes.push(byId.id);
  }
  const user = await usersService(database.db).create({
    username: username.data,
    password: checked.data,
    role,
    displayName: values.name,
    scopes,
  });
  const where = user.scopes.length ? `, scope ${user.scopes.map((s) => `${s.name} (${s.code})`).join(', ')}` : '';
  console.log(`Created ${user.role} ${user.username} (id ${user.id}${where}).`);
} catch (error) {
  if (error instanceof HttpError) fail(error.message);
  throw error;
} finally {
  await database.close();
}
