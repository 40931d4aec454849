import type { Metadata } from "next";
import { requireSessionActor } from "@/lib/auth/session";
import { getTenantDashboard } from "@/lib/services/dashboard";
import { currentTenantId } from "@/lib/tenancy/current-tenant";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const actor = await requireSessionActor();
  const tenantId = await currentTenantId(actor);
  if (!tenantId) {
    return (
      <>
        <div className="page-head"><h1>Dashboard</h1></div>
        <div className="empty">
          <strong>You are not in any tenant yet</strong>
          Ask an administrator to add you to a tenant; it will appear here as soon as they do.
        </div>
      </>
    );
  }
  const { tenant, uid, memberCount, myRole } = await getTenantDashboard(actor, tenantId);
  return (
    <>
      <div className="page-head">
        <h1>{tenant.name}</h1>
        {tenant.suspended && <span className="badge danger">Suspended</span>}
      </div>
      {tenant.suspended && (
        <p className="banner warn" role="status">
          This tenant is suspended: its containers cannot be launched or started. Contact an administrator.
        </p>
      )}
      <div className="cards">
        <div className="card"><div className="label">Your role</div><div className="value">{myRole}</div></div>
        <div className="card"><div className="label">Members</div><div className="value">{memberCount}</div></div>
        <div className="card"><div className="label">Containers run as uid</div><div className="value">{uid}</div></div>
      </div>
      <h2>Containers</h2>
      <div className="empty">
        <strong>No containers yet</strong>
        Containers you launch from the image catalog will be listed here, with their status and URLs.
      </div>
    </>
  );
}
