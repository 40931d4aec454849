import { api, tokenFor, type Api } from "./http";
import { prepareTenantNetwork } from "./raw-docker";
import { runId } from "./run-id";

/**
 * Tenants and users for the benchmark, made through the API as an admin script would. Slugs
 * carry a per-run tag so Docker names (`berth-<slug>-<name>`) never collide with another run.
 */

const tag = runId.replace(/[^a-z0-9]/g, "").slice(-6);

export const PASSWORD = "bench-password-123";

export interface Quota {
  maxContainers: number;
  maxMemoryMb: number;
  maxCpuMillis: number;
  maxVolumes: number;
}

/** Room for everything the benchmark launches; item 2 sets its own tight quotas. */
export const GENEROUS: Quota = { maxContainers: 1000, maxMemoryMb: 1_048_576, maxCpuMillis: 1_024_000, maxVolumes: 10 };

export interface BenchTenant {
  id: string;
  slug: string;
  /** An owner of the tenant (owners also see its activity, as on a real dashboard). */
  email: string;
  member: Api;
}

export async function adminApi(): Promise<Api> {
  return api(await tokenFor(process.env.BERTH_ADMIN_EMAIL ?? "", process.env.BERTH_ADMIN_PASSWORD ?? ""));
}

export async function createTenant(admin: Api, label: string, quota: Quota): Promise<BenchTenant> {
  const slug = `b${tag}-${label}`;
  const tenant = await admin.send<{ id: string; slug: string }>("POST", "/api/v1/tenants", { name: `Bench ${label}`, slug });
  await prepareTenantNetwork(tenant);
  await admin.send("PUT", `/api/v1/tenants/${tenant.id}/quota`, quota);
  const email = `${slug}@bench.berth`;
  await admin.send("POST", "/api/v1/users", { email, password: PASSWORD, role: "member", memberships: [{ tenantId: tenant.id, role: "owner" }] });
  return { id: tenant.id, slug: tenant.slug, email, member: api(await tokenFor(email, PASSWORD)) };
}

export async function createOperator(admin: Api): Promise<Api> {
  const email = `b${tag}-operator@bench.berth`;
  await admin.send("POST", "/api/v1/users", { email, password: PASSWORD, role: "operator" });
  return api(await tokenFor(email, PASSWORD));
}

/** What the portal's launch form would send: the static web server with its port published. */
export function launchRequest(name: string, extra: Record<string, unknown> = {}) {
  return { name, image: "berth/static-web:1", ports: [{ container: 8080, protocol: "tcp", expose: "port" }], memoryMb: 64, cpuMillis: 100, ...extra };
}
