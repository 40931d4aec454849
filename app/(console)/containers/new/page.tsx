import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { getContainerForm, getLaunchOptions } from "@/lib/services/launch-options";
import { currentTenantId } from "@/lib/tenancy/current-tenant";
import { EmptyState } from "@/components/empty-state";
import { LaunchForm } from "@/components/launch-form";
import { formStateFromContainer, type LaunchFormState } from "@/components/launch-form-state";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Launch a container" };

/**
 * Launch; with `?from=<container id>`, a duplicate: the form filled from that container (in its
 * tenant), under a new name, with its env keys but never their values.
 */
export default async function LaunchPage({ searchParams }: { searchParams: Promise<{ from?: string | string[] }> }) {
  const actor = await requireSessionActor();
  const { from } = await searchParams;
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
  // A container the person cannot see (or may not launch beside) is ignored: a plain launch form.
  const duplicate =
    typeof from === "string" && from
      ? await getContainerForm(actor, from, "duplicate").catch((error: unknown) => {
          if (error instanceof ServiceError && (error.code === "not_found" || error.code === "forbidden")) return null;
          throw error;
        })
      : null;
  const options = duplicate?.options ?? (await getLaunchOptions(actor, tenantId));
  const first = options.images[0];
  const initial: LaunchFormState | undefined = duplicate && first ? formStateFromContainer(duplicate.values, first, "duplicate") : undefined;
  return (
    <>
      <PageHeader
        title={duplicate ? `Duplicate ${duplicate.values.name}` : "Launch a container"}
        parent={<Link href="/dashboard">{options.tenant.name}</Link>}
      />
      {duplicate && (
        <p className="muted" style={{ marginTop: 0 }}>
          A new container with the settings of <Link href={`/containers/${duplicate.values.id}`}>{duplicate.values.name}</Link>.
          {duplicate.values.envKeys.length > 0 && " Environment values are not copied: enter them again."}
        </p>
      )}
      {options.tenant.suspended ? (
        <EmptyState tone="error" title="This tenant is suspended">
          Containers cannot be launched until an administrator resumes it.
        </EmptyState>
      ) : options.images.length === 0 ? (
        <EmptyState title="The image catalog is empty">An administrator has to add images to the catalog before anything can be launched.</EmptyState>
      ) : (
        <LaunchForm key={duplicate?.values.id ?? "new"} options={options} initial={initial} />
      )}
    </>
  );
}
