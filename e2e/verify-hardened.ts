/**
 * The inspect-verifier for end-to-end tests: checks live containers (by Berth id) against
 * every hardening control, with the scope built from the e2e database as the integration
 * tests' expectHardened does. Prints each violation and exits 1 if there is any.
 * On Swarm (the portal started with the local Swarm's env) it checks the service spec and the
 * task's container through its node's engine, as the portal does (S3).
 * Run with `npx tsx --conditions=react-server e2e/verify-hardened.ts <containerId>…`.
 */
import { db } from "@/lib/db";
import { inspectWorkload, verifyWorkload } from "@/lib/docker/workloads";
import { formatViolation } from "@/lib/policy";
import { expectedScopeFor } from "@/lib/launch-scope";

async function main(ids: string[]) {
  const problems: string[] = [];
  for (const id of ids) {
    const row = await db.container.findUnique({ where: { id }, include: { tenant: true } });
    const info = row?.dockerId ? await inspectWorkload(row.tenantId, row.dockerId) : null;
    if (!row || !info) {
      problems.push(`${id}: not found on the engine`);
      continue;
    }
    const scope = await expectedScopeFor(row.tenant, { id: row.id, imageRef: row.imageRef });
    problems.push(...(await verifyWorkload(info, scope)).map((v) => `${id}: ${formatViolation(v)}`));
  }
  return problems;
}

main(process.argv.slice(2)).then(
  (problems) => {
    for (const p of problems) console.error(p);
    process.exit(problems.length ? 1 : 0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
