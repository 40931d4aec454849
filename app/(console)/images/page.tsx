import type { Metadata } from "next";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import type { CatalogImageDto } from "@/lib/schemas/image";
import { listCatalogImages } from "@/lib/services/images";
import { AddImageForm } from "@/components/add-image-form";
import { pullCatalogImageAction, removeCatalogImageAction } from "@/lib/actions/images";
import { ConfirmActionButton } from "@/components/confirm-action-button";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Image catalog" };

export default async function ImagesPage() {
  const actor = await requireSessionActor();
  const isAdmin = actor.role === "admin";
  let images: CatalogImageDto[] = [];
  let failure: string | null = null;
  try {
    images = await listCatalogImages(actor);
  } catch (error) {
    // Presence comes from the engine; without it the list would claim images are missing.
    if (!(error instanceof ServiceError)) throw error;
    failure = error.message;
  }
  // On Swarm every image says which nodes lack it (missingOn); on one engine the field is absent.
  const onSwarm = images.some((i) => i.missingOn !== undefined);
  return (
    <>
      <PageHeader title="Image catalog" action={!isAdmin && <span className="badge">read-only</span>} />
      {isAdmin && (
        <section className="panel" aria-labelledby="add-image">
          <h2 id="add-image">Add image</h2>
          <AddImageForm />
        </section>
      )}
      {failure ? (
        <EmptyState tone="error" title="The catalog could not be loaded">
          {failure}
        </EmptyState>
      ) : images.length === 0 ? (
        <EmptyState title="The catalog is empty">
          {isAdmin
            ? "Add an image by its reference above; Berth pulls it to the host, and tenants can then launch it."
            : "Tenants launch containers from the images in this catalog. Ask an administrator to add one."}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Reference</th>
                <th className="nowrap">Default port</th>
                <th>Description</th>
                <th>{onSwarm ? "On nodes" : "On host"}</th>
                {isAdmin && (
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {images.map((image) => (
                <tr key={image.id}>
                  <td>{image.name}</td>
                  <td className="ref-cell">
                    <code className="ref">{image.ref}</code>
                  </td>
                  <td className="num">{image.defaultPort ?? <span className="muted">none</span>}</td>
                  <td className="muted">{image.description}</td>
                  <td className="nowrap">
                    {image.present ? (
                      <span className="badge ok">{onSwarm ? "on every node" : "present on host"}</span>
                    ) : image.missingOn && image.missingOn.length > 0 ? (
                      <span className="badge warn" title="Launching it is refused until every node that can run tenants' containers has it">
                        missing on {image.missingOn.join(", ")}
                      </span>
                    ) : (
                      <span className="badge warn" title="Launching it will fail until the image is pulled again">
                        missing
                      </span>
                    )}
                  </td>
                  {isAdmin && (
                    <td>
                      <div className="actions">
                        {!image.present && (
                          <ConfirmActionButton
                            action={pullCatalogImageAction.bind(null, image.id)}
                            question={`Pull ${image.ref} ${image.missingOn?.length ? `onto ${image.missingOn.join(", ")}` : "to the host"} again, so tenants can launch it?`}
                            label="Pull again"
                            pendingLabel="Pulling…"
                            ariaLabel={`Pull ${image.name} again`}
                            tone="plain"
                          />
                        )}
                        <ConfirmActionButton
                          action={removeCatalogImageAction.bind(null, image.id)}
                          question={`Remove “${image.name}” (${image.ref}) from the catalog? Tenants can no longer launch it; running containers and the image on the host are kept.`}
                          label="Remove"
                          pendingLabel="Removing…"
                          ariaLabel={`Remove ${image.name}`}
                        />
                      </div>
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
