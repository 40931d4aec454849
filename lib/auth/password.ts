import bcrypt from "bcryptjs";

// Cost 11: about 0.1 s a hash in pure JS on this machine's class of CPU; slow enough to
// make offline guessing expensive, fast enough for a sign-in.
const COST = 11;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

// Compared against when the account does not exist, so a wrong email takes as long as a
// wrong password and response time does not reveal which accounts exist.
const DUMMY_HASH = bcrypt.hashSync("berth-dummy-password", COST);

export function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  return bcrypt.compare(password, hash ?? DUMMY_HASH).then((ok) => ok && hash !== null);
}
