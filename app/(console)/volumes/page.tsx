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
import { UploadFilesForm } from "@/components/volume-files";
import { config } from "@/lib/config";
import { ServiceError } from "@/lib/errors";
import { formatBytes } from "@/lib/format/bytes";
import { listVolumeFiles } from "@/lib/services/volume-files";
import type { VolumeFilesDto } from "@/lib/schemas/volume-files";

export const metadata: Metadata = { title: "Volumes" };

export default async function VolumesPage({ searchParams }: { searchParams: Promise<{ volume?: string | string[] }> }) {
  const { volume: selectedParam } = await searchParams;
  const actor = await requireSessionActor();
  const tenantId = await currentTenantId(actor);
  if (!tenantId) {
    return <EmptyState title="You are not in any tenant yet">Volumes belong to a tenant; ask an administrator to add you to one.</EmptyState>;
  }
  const volumes = await listVolumeDetails(actor, tenantId);
  const isOwner = membershipRole(actor, tenantId) === "owner";
  const selected = volumes.find((v) => v.id === selectedParam);
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
                  <td>
                    <Link
                      href={`/volumes?volume=${v.id}`}
                      aria-current={v.id === selected?.id ? "true" : undefined}
                      aria-label={`Files in ${v.name}`}
                    >
                      {v.name}
                    </Link>
                  </td>
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
      {volumes.length > 0 && !selected && <p className="muted">Choose a volume to see its files{isOwner ? " and upload into it" : ""}.</p>}
      {selected && <VolumeFilesSection volume={selected} isOwner={isOwner} />}
    </>
  );
}

async function VolumeFilesSection({ volume, isOwner }: { volume: { id: string; name: string }; isOwner: boolean }) {
  const actor = await requireSessionActor();
  let files: VolumeFilesDto | null = null;
  let failure = "";
  try {
    files = await listVolumeFiles(actor, volume.id);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    failure = error.message;
  }
  const { uploadMaxFileBytes, uploadMaxTotalBytes } = config();
  return (
    <section className="panel" aria-labelledby="volume-files">
      <h2 id="volume-files">Files in “{volume.name}”</h2>
      {isOwner && (
        <UploadFilesForm volumeId={volume.id} volumeName={volume.name} maxFileBytes={uploadMaxFileBytes} maxTotalBytes={uploadMaxTotalBytes} />
      )}
      {failure ? (
        <p role="alert" className="form-message error">
          Could not list the files: {failure}
        </p>
      ) : files && files.items.length === 0 ? (
        <EmptyState title="No files yet">
          {isOwner
            ? "Upload an index.html above, then mount this volume at /www of a static web server."
            : "An owner of this tenant can upload files."}
        </EmptyState>
      ) : (
        files && (
          <div className="table-wrap">
            <table aria-label={`Files in ${volume.name}`}>
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="num">Size</th>
                  <th>Modified</th>
                </tr>
              </thead>
              <tbody>
                {files.items.map((f) => (
                  <tr key={f.path}>
                    <td className="file-path">
                      {f.path}
                      {f.type === "directory" ? "/" : ""}
                      {f.type === "symlink" && <span className="muted"> (link)</span>}
                    </td>
                    <td className="num tabular">{f.type === "file" ? formatBytes(f.size) : "—"}</td>
                    <td>
                      <RelativeTime iso={f.modifiedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {files.truncated && <p className="muted">Only the first 1000 entries are listed.</p>}
          </div>
        )
      )}
    </section>
  );
}
