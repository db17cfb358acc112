/**
 * What an editing action returns. An action that can't run says why, as data, so the UI can explain
 * it (iD's `disabled()` reasons): `reason` is a stable code to translate, `message` is for people
 * reading logs.
 */
export type Refusal<R extends string> = { ok: false; reason: R; message: string };
export type Done<T> = { ok: true } & T;
export type ActionResult<T, R extends string> = Done<T> | Refusal<R>;

export const refuse = <R extends string>(reason: R, message: string): Refusal<R> => ({
  ok: false,
  reason,
  message,
});
