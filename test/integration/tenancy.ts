import { expect } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { removeTenantNetwork } from "@/lib/docker/networks";
import { inspectWorkload } from "@/lib/docker/workloads";
import { formatViolation, verifyInspect } from "@/lib/policy";
import { removeContainer } from "@/lib/services/containers";
import { expectedScopeFor } from "@/lib/launch-scope";
import { createTenant } from "@/lib/services/tenants";
import { deleteVolume } from "@/lib/services/volumes";
import { actorOf, makeActor, makeUser, uniq } from "./fixtures";

export interface TestTenant {
  id: string;
  slug: string;
  uid: number;
  owner: Actor;
}

/** A tenant with one owner, created through the services as an admin would. */
export async function tenantWithOwner(label = "t"): Promise<TestTenant> {
  const admin = await makeActor("admin");
  const tenant = await createTenant(admin, { name: `Tenant ${label}`, slug: uniq(label) });
  const owner = await actorOf(await makeUser("member", [{ tenantId: tenant.id, role: "owner" }]));
  const { uid } = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
  return { id: tenant.id, slug: tenant.slug, uid, owner };
}

/** Reads the live container and checks it against every control (the inspect-verifier). */
export async function expectHardened(containerId: string): Promise<void> {
  const row = await db.container.findUniqueOrThrow({ where: { id: containerId }, include: { tenant: true } });
  const info = await inspectWorkload(row.tenantId, row.dockerId ?? "");
  expect(info, "the container exists on the engine").not.toBeNull();
  const violations = verifyInspect(info, await expectedScopeFor(row.tenant, { id: row.id, imageRef: row.imageRef }));
  expect(violations.map(formatViolation)).toEqual([]);
}

/** Removes what a test tenant owns through the services, then its network. */
export async function cleanUpTenant(tenant: TestTenant): Promise<void> {
  for (const c of await db.container.findMany({ where: { tenantId: tenant.id } })) {
    await removeContainer(tenant.owner, c.id).catch(() => undefined);
  }
  for (const v of await db.volume.findMany({ where: { tenantId: tenant.id } })) {
    await deleteVolume(tenant.owner, v.id).catch(() => undefined);
  }
  await removeTenantNetwork(tenant);
}
