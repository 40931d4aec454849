import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { getContainerForm } from "@/lib/services/launch-options";
import { EmptyState } from "@/components/empty-state";
import { LaunchForm } from "@/components/launch-form";
import { formStateFromContainer } from "@/components/launch-form-state";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Edit container" };

/** Edit and redeploy: the launch form, filled from the container, sending an edit (lib/services/update-container.ts). */
export default async function EditContainerPage({ params }: { params: Promise<{ containerId: string }> }) {
  const actor = await requireSessionActor();
  const { containerId } = await params;
  const form = await getContainerForm(actor, containerId, "edit").catch((error: unknown) => {
    if (error instanceof ServiceError && error.code === "not_found") notFound();
    if (error instanceof ServiceError && error.code === "forbidden") forbidden();
    throw error;
  });
  const { options, values, status } = form;
  const first = options.images[0];
  const editable = status !== "creating" && status !== "quarantined" && status !== "missing";
  return (
    <>
      <PageHeader title={`Edit ${values.name}`} parent={<Link href={`/containers/${values.id}`}>{values.name}</Link>} />
      <p className="muted" style={{ marginTop: 0 }}>
        Saving replaces the container with a new one built from these settings, under the same name, with the same volumes and address. If the new one
        cannot start, the current one is kept as it was (running if it ran).
      </p>
      {options.tenant.suspended ? (
        <EmptyState tone="error" title="This tenant is suspended">
          Containers cannot be redeployed until an administrator resumes it.
        </EmptyState>
      ) : !editable ? (
        <EmptyState title="This container cannot be edited now">
          It is {status}. <Link href={`/containers/${values.id}`}>Back to the container</Link>.
        </EmptyState>
      ) : !first ? (
        <EmptyState title="The image catalog is empty">An administrator has to add images to the catalog first.</EmptyState>
      ) : (
        <>
          {!values.imageId && (
            <p className="hint" role="note">
              Its image <code>{values.imageRef}</code> is no longer in the catalog: pick one below.
            </p>
          )}
          <LaunchForm options={options} initial={formStateFromContainer(values, first, "edit")} edit={{ containerId: values.id }} />
        </>
      )}
    </>
  );
}
