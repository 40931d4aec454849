import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/lib/auth/session";
import { getLaunchOptions } from "@/lib/services/launch-options";
import { currentTenantId } from "@/lib/tenancy/current-tenant";
import { EmptyState } from "@/components/empty-state";
import { LaunchForm } from "@/components/launch-form";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Launch a container" };

export default async function LaunchPage() {
  const actor = await requireSessionActor();
  const tenantId = await currentTenantId(actor);
  if (actor.role === "operator") {
    // Operators review what tenants do; a membership would not let them launch either (lib/authz).
    return (
      <EmptyState title="Operators review containers; they do not launch them">
        You can see every tenant&apos;s containers and what happened to them: open <Link href="/activity">Activity</Link> to review events, or{" "}
        <Link href="/tenants">Tenants</Link> to see each tenant&apos;s containers and usage.
      </EmptyState>
    );
  }
  if (!tenantId) {
    return (
      <EmptyState title="You are not in any tenant yet">Containers are launched inside a tenant; ask an administrator to add you to one.</EmptyState>
    );
  }
  const options = await getLaunchOptions(actor, tenantId);
  return (
    <>
      <PageHeader title="Launch a container" parent={<Link href="/dashboard">{options.tenant.name}</Link>} />
      {options.tenant.suspended ? (
        <EmptyState tone="error" title="This tenant is suspended">
          Containers cannot be launched until an administrator resumes it.
        </EmptyState>
      ) : options.images.length === 0 ? (
        <EmptyState title="The image catalog is empty">An administrator has to add images to the catalog before anything can be launched.</EmptyState>
      ) : (
        <LaunchForm options={options} />
      )}
    </>
  );
}
