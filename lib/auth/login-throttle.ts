import "server-only";
import type { HashKind } from "@/lib/auth/password";
import {
  clearHits,
  forgiveHits,
  hasRecentHit,
  pruneHits,
  recordHit,
  secondsUntilAllowed as waitFor,
  takeHits,
  type KeyedRule,
  type RateRule,
} from "@/lib/rate-limit/limiter";
import { TokenBucket } from "@/lib/rate-limit/token-bucket";

/*
 * Sign-in throttling. Every attempt that reaches the password check is first counted as a
 * failure, atomically with the check of the counts (lib/rate-limit/limiter.ts), and taken
 * back if the password was right. Three keys, each a 15-minute sliding window whose block
 * doubles with every failure allowed after it, up to a day:
 *
 * - account + address (5): the tight one. A stranger's failures land on their own address,
 *   never on the owner's, so the owner's usual address stays open.
 * - account (50): a ceiling for guessing one account from many addresses. It does not apply
 *   from an address the account signed in from successfully in the last 30 days.
 * - address (30): one address guessing across many accounts.
 *
 * In front of the (deliberately slow) hash, a process-wide token bucket caps hash checks per
 * second, so a flood from many addresses and accounts cannot take the CPU.
 */
const WINDOW_MS = 15 * 60_000;
const BACKOFF_MAX_MS = 24 * 60 * 60_000;
const KNOWN_FOR_MS = 30 * 24 * 60 * 60_000;
/** Key prefixes: counted failures, and remembered successful addresses. */
const PREFIX = "signin:";
const KNOWN_PREFIX = "signin-known:";

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 && process.env[name] !== "" ? value : fallback;
}

const rule = (limit: number): RateRule => ({ limit, windowMs: WINDOW_MS, backoffMaxMs: BACKOFF_MAX_MS });

export function signInRules() {
  return {
    accountAddress: rule(envNumber("BERTH_LOGIN_ACCOUNT_ADDRESS_LIMIT", 5)),
    account: rule(envNumber("BERTH_LOGIN_ACCOUNT_LIMIT", 50)),
    address: rule(envNumber("BERTH_LOGIN_ADDRESS_LIMIT", 30)),
  };
}

/** The form every key and lookup uses: trimmed, lower case, at most 254 characters. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase().slice(0, 254);
}

const pairKey = (email: string, ip: string | undefined) => `${PREFIX}pair:${email}|${ip ?? "unknown"}`;
const knownKey = (email: string, ip: string) => `${KNOWN_PREFIX}${email}|${ip}`;

/** Whether this account signed in successfully from this address in the last 30 days. */
async function isKnownAddress(email: string, ip: string | undefined): Promise<boolean> {
  return ip ? hasRecentHit(knownKey(email, ip), KNOWN_FOR_MS) : false;
}

function throttleChecks(email: string, ip: string | undefined, known: boolean): KeyedRule[] {
  const rules = signInRules();
  const checks: KeyedRule[] = [
    { key: pairKey(email, ip), rule: rules.accountAddress },
    // Counted from every address, so that the ceiling sees all failures; enforced only where the account is not at home.
    { key: `${PREFIX}account:${email}`, rule: rules.account, enforce: !known },
  ];
  if (ip) checks.push({ key: `${PREFIX}address:${ip}`, rule: rules.address });
  return checks;
}

export interface SignInAttempt {
  allowed: boolean;
  retryAfterSeconds: number;
  /** The failures recorded for this attempt, taken back if it succeeds. */
  hitIds: string[];
}

/**
 * Checks the throttle for one sign-in attempt and, if it may go on, counts it as a failure
 * under every key, in one atomic step. `email` is already normalised (lower case).
 */
export async function beginSignInAttempt(email: string, ip: string | undefined): Promise<SignInAttempt> {
  await pruneOldHits();
  const result = await takeHits(throttleChecks(email, ip, await isKnownAddress(email, ip)));
  return { allowed: result.allowed, retryAfterSeconds: result.retryAfterSeconds, hitIds: result.hitIds };
}

/** The attempt was never checked (the hash budget refused it): it does not count. */
export async function abandonSignInAttempt(attempt: SignInAttempt): Promise<void> {
  await forgiveHits(attempt.hitIds);
}

/**
 * The password was right: the attempt does not count, this account + address starts afresh,
 * and the address becomes one the account is known at.
 */
export async function signInSucceeded(email: string, ip: string | undefined, attempt: SignInAttempt): Promise<void> {
  await forgiveHits(attempt.hitIds);
  await clearHits(pairKey(email, ip));
  if (ip) await recordHit(knownKey(email, ip), { replace: true });
}

/** Seconds until this account may try again from this address, or 0 (for messages, not decisions). */
export async function secondsUntilAllowed(email: string, ip?: string, now = new Date()): Promise<number> {
  const normalized = normalizeEmail(email);
  return waitFor(throttleChecks(normalized, ip, await isKnownAddress(normalized, ip)), now);
}

async function pruneOldHits(): Promise<void> {
  await pruneHits(PREFIX, BACKOFF_MAX_MS + WINDOW_MS);
  await pruneHits(KNOWN_PREFIX, KNOWN_FOR_MS);
}

// bcrypt (cost 11, pure JavaScript on the event loop) costs about 20 argon2id verifies.
const HASH_COST: Record<HashKind, number> = { argon2id: 1, bcrypt: 20, unknown: 1 };
let hashBudget: { rate: number; bucket: TokenBucket } | undefined;

/**
 * Takes a slot for one password check from the process-wide budget
 * (BERTH_LOGIN_HASHES_PER_SECOND, default 20 argon2id checks a second, bursts of twice that).
 * Returns 0, or the milliseconds until a slot frees.
 */
export function takeHashSlot(kind: HashKind): number {
  const rate = envNumber("BERTH_LOGIN_HASHES_PER_SECOND", 20);
  if (hashBudget?.rate !== rate) hashBudget = { rate, bucket: new TokenBucket(rate, Math.max(2 * rate, HASH_COST.bcrypt)) };
  return hashBudget.bucket.take(HASH_COST[kind]);
}
