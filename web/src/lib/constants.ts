/**
 * The contract's enumerations, as values. `server/src/contracts/enums.ts` imports nothing, so this is
 * the one run-time import the web app takes from the server (everything else is `import type`, via
 * `./types`); the lists are written once, there.
 */
export * from '../../../server/src/contracts/enums';
