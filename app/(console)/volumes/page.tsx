import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/lib/auth/session";
import { membershipRole } from "@/lib/authz";
import { listVolumeDetails } from "@/lib/services/volumes";
import { currentTenantId } from "@/lib/tenancy/current-tenant";
import { RelativeTime } from "@/components/relative-time";
import { deleteVolumeAction } from "@/lib/actions/volumes";
import { ConfirmActionButton } from "@/components/confirm-action-button";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { CreateVolumeForm } from "@/components/volume-forms";

export const metadata: Metadata = { title: "Volumes" };

export default async function VolumesPage() {
  const actor = await requireSessionActor();
  const tenantId = await currentTenantId(actor);
  if (!tenantId) {
    return <EmptyState title="You are not in any tenant yet">Volumes belong to a tenant; ask an administrator to add you to one.</EmptyState>;
  }
  const volumes = await listVolumeDetails(actor, tenantId);
  const isOwner = membershipRole(actor, tenantId) === "owner";
  return (
    <>
      <PageHeader title="Volumes" />
      {isOwner && (
        <section className="panel" aria-labelledby="new-volume">
          <h2 id="new-volume">New volume</h2>
          <p className="muted" style={{ marginTop: 0 }}>
            A volume keeps data across container restarts and removals. Your containers can write to it as their own user.
          </p>
          <CreateVolumeForm tenantId={tenantId} />
        </section>
      )}
      {volumes.length === 0 ? (
        <EmptyState title="No volumes yet">
          {isOwner ? "Create one above, then mount it when you launch a container." : "An owner of this tenant can create volumes for you to mount."}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Used by</th>
                <th>Created</th>
                {isOwner && (
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {volumes.map((v) => (
                <tr key={v.id}>
                  <td>{v.name}</td>
                  <td>
                    {v.users.length ? (
                      v.users.map((c, i) => (
                        <span key={c.id}>
                          {i > 0 && ", "}
                          <Link href={`/containers/${c.id}`}>{c.name}</Link>
                        </span>
                      ))
                    ) : (
                      <span className="muted">not mounted</span>
                    )}
                  </td>
                  <td>
                    <RelativeTime iso={v.createdAt} />
                  </td>
                  {isOwner && (
                    <td style={{ textAlign: "right" }}>
                      <ConfirmActionButton
                        action={deleteVolumeAction.bind(null, v.id)}
                        question={`Delete the volume “${v.name}” and all the data in it? This cannot be undone.`}
                        label="Delete"
                        pendingLabel="Deleting…"
                        ariaLabel={`Delete volume ${v.name}`}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
