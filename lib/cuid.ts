import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/**
 * A new row id in the form Prisma's `@default(cuid())` gives (cuid v1: "c", the time in
 * base 36, a counter, a fingerprint of the process, random digits; 25 characters), for rows
 * inserted with plain SQL, where Prisma's own generator is not reachable. Same shape and
 * the same rough time order as the ids Prisma makes, so nothing that reads ids can tell.
 */
const BASE = 36;
const BLOCK = 4;
const BLOCK_MAX = BASE ** BLOCK;
const pad = (n: number, size: number) => n.toString(BASE).padStart(size, "0").slice(-size);

const fingerprint = (() => {
  const host = hostname();
  const hostSum = [...host].reduce((sum, ch) => sum + ch.charCodeAt(0), host.length + BASE);
  return pad(process.pid, 2) + pad(hostSum, 2);
})();

let counter = 0;

function randomBlock(): string {
  return pad(randomBytes(4).readUInt32BE(0) % BLOCK_MAX, BLOCK);
}

export function cuid(): string {
  counter = counter < BLOCK_MAX ? counter : 0;
  const count = pad(counter++, BLOCK);
  return `c${Date.now().toString(BASE)}${count}${fingerprint}${randomBlock()}${randomBlock()}`;
}
