import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { listTenants } from "@/lib/services/tenants";
import { CreateTenantForm } from "@/components/create-tenant-form";
import { RelativeTime } from "@/components/relative-time";

export const metadata: Metadata = { title: "Tenants" };

export default async function TenantsPage() {
  const actor = await requireSessionActor();
  if (actor.role !== "admin" && actor.role !== "operator") forbidden();
  const tenants = await listTenants(actor);
  const isAdmin = actor.role === "admin";
  return (
    <>
      <div className="page-head">
        <h1>Tenants</h1>
        {!isAdmin && <span className="badge">read-only</span>}
      </div>
      {isAdmin && (
        <section className="panel" aria-labelledby="new-tenant">
          <h2 id="new-tenant">New tenant</h2>
          <CreateTenantForm />
        </section>
      )}
      {tenants.length === 0 ? (
        <div className="empty">
          <strong>No tenants yet</strong>
          {isAdmin ? "Create the first tenant above, then add users to it from the Users page." : "An administrator has not created any tenants yet."}
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th>Name</th><th>Slug</th><th>Status</th><th>Created</th></tr>
            </thead>
            <tbody>
              {tenants.map((t) => (
                <tr key={t.id}>
                  <td><Link href={`/tenants/${t.id}`}>{t.name}</Link></td>
                  <td><code>{t.slug}</code></td>
                  <td>{t.suspended ? <span className="badge danger">suspended</span> : <span className="badge ok">active</span>}</td>
                  <td><RelativeTime iso={t.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
