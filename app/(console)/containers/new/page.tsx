import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/lib/auth/session";
import { getLaunchOptions } from "@/lib/services/launch-options";
import { currentTenantId } from "@/lib/tenancy/current-tenant";
import { LaunchForm } from "@/components/launch-form";

export const metadata: Metadata = { title: "Launch a container" };

export default async function LaunchPage() {
  const actor = await requireSessionActor();
  const tenantId = await currentTenantId(actor);
  if (!tenantId) {
    return (
      <div className="empty">
        <strong>You are not in any tenant yet</strong>
        Containers are launched inside a tenant; ask an administrator to add you to one.
      </div>
    );
  }
  const options = await getLaunchOptions(actor, tenantId);
  return (
    <>
      <div className="page-head">
        <div>
          <p className="muted" style={{ margin: "0 0 4px" }}><Link href="/dashboard">{options.tenant.name}</Link> /</p>
          <h1>Launch a container</h1>
        </div>
      </div>
      {options.tenant.suspended ? (
        <div className="empty" role="alert"><strong>This tenant is suspended</strong>Containers cannot be launched until an administrator resumes it.</div>
      ) : options.images.length === 0 ? (
        <div className="empty"><strong>The image catalog is empty</strong>An administrator has to add images to the catalog before anything can be launched.</div>
      ) : (
        <LaunchForm options={options} />
      )}
    </>
  );
}
