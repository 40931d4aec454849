import { hash as argon2Hash, verify as argon2Verify, type Algorithm, type Options } from "@node-rs/argon2";
import bcrypt from "bcryptjs";

// argon2id with OWASP's baseline cost: 19 MiB of memory, 2 passes, 1 lane. About 10 ms a
// verify on this machine's class of CPU, run on libuv's thread pool, not the event loop.
// (Algorithm is an ambient const enum, which isolatedModules cannot read: 2 is Argon2id.)
const ARGON2ID = 2 as Algorithm;
const ARGON2: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;

export type HashKind = "argon2id" | "bcrypt" | "unknown";

/** Which scheme a stored hash uses: bcrypt hashes come from Berth before argon2id. */
export function hashKind(stored: string | null | undefined): HashKind {
  if (stored?.startsWith("$argon2id$")) return "argon2id";
  if (stored && /^\$2[aby]\$\d\d\$/.test(stored)) return "bcrypt";
  return "unknown";
}

/** True when a stored hash should be replaced by a fresh one (another scheme or older costs). */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2);
}

// Verified against when the account does not exist, so a wrong email takes as long as a
// wrong password and response time does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored argon2id hash, or a bcrypt hash from before argon2id
 * (the caller upgrades it on success: needsRehash). A missing or unreadable hash never matches.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const kind = hashKind(stored);
  if (kind === "bcrypt") return bcrypt.compare(password, stored!);
  dummyHash ??= argon2Hash("berth-dummy-password", ARGON2);
  const target = kind === "argon2id" ? stored! : await dummyHash;
  const ok = await argon2Verify(target, password).catch(() => false);
  return ok && kind === "argon2id";
}
