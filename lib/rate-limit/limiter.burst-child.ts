/**
 * Test helper (lib/rate-limit/limiter.int.test.ts): a second process hitting the same key,
 * as a second portal replica on the same database would. Prints the number of allowed hits.
 * Usage: tsx --conditions=react-server limiter.burst-child.ts <key> <limit> <windowMs> <calls>
 */
import { takeHit } from "./limiter";

const [key, limit, windowMs, calls] = process.argv.slice(2);
void Promise.all(Array.from({ length: Number(calls) }, () => takeHit(key, { limit: Number(limit), windowMs: Number(windowMs) }))).then((results) => {
  console.log(results.filter((r) => r.allowed).length);
  process.exit(0);
});
