import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { imagePresence, pullImage, type ImagePresence, type PullProgress } from "@/lib/docker/images";
import { engineKind } from "@/lib/docker/engine-config";
import { ServiceError, notFound } from "@/lib/errors";
import type { CatalogImage } from "@/lib/generated/prisma/client";
import { addImageSchema, type CatalogImageDto } from "@/lib/schemas/image";
import { command } from "@/lib/services/command";
import { stringsOf } from "@/lib/services/json-columns";
import { isUniqueViolation } from "@/lib/prisma-errors";
import { parseInput } from "@/lib/validation";

export type { PullProgress };

type Presence = NonNullable<ReturnType<ImagePresence["get"]>>;

function toCatalogImageDto(image: CatalogImage, { present, missingOn }: Presence): CatalogImageDto {
  return {
    id: image.id,
    ref: image.ref,
    name: image.name,
    description: image.description,
    defaultPort: image.defaultPort,
    defaultCommand: stringsOf(image.defaultCommand),
    present,
    // Swarm only: the nodes that lack it, by host name (one engine: the field is absent).
    ...(engineKind() === "swarm" ? { missingOn: missingOn.map((n) => n.hostname) } : {}),
  };
}

const refTaken = (ref: string) =>
  new ServiceError("conflict", `${ref} is already in the catalog.`, [{ path: "ref", message: "this image is already in the catalog" }]);

/** The catalog, for everyone signed in: tenants pick from it when they launch. */
export async function listCatalogImages(_actor: Actor): Promise<CatalogImageDto[]> {
  const images = await db.catalogImage.findMany({ orderBy: { name: "asc" } });
  const presence = await imagePresence(images.map((i) => i.ref));
  return images.map((i) => toCatalogImageDto(i, presence.get(i.ref) ?? { present: false, missingOn: [] }));
}

/**
 * Adds an image to the catalog, pulling it first when the host lacks it (on Swarm: onto
 * every node that can run tenant tasks and lacks it), so that a catalog entry always names
 * something a tenant can launch. A failed pull is recorded as a failure and leaves no entry.
 */
export const addCatalogImage = command(
  "image.add",
  async (cmd, input: unknown, onProgress?: (progress: PullProgress) => void): Promise<CatalogImageDto> => {
    requireRole(cmd.actor, "admin");
    const data = parseInput(addImageSchema, input);
    cmd.about({ target: `image:${data.ref}`, details: { ref: data.ref } });
    if (await db.catalogImage.findUnique({ where: { ref: data.ref }, select: { id: true } })) throw refTaken(data.ref);

    const before = (await imagePresence([data.ref])).get(data.ref) ?? { present: false, missingOn: [] };
    const wasPresent = before.present;
    if (wasPresent) {
      onProgress?.({
        layers: [],
        currentBytes: 0,
        totalBytes: 0,
        status: engineKind() === "swarm" ? "Already on every node" : "Already on the host",
      });
    } else {
      // On Swarm only the nodes that lack it pull: a node may hold an image no registry serves.
      await pullImage(data.ref, onProgress, engineKind() === "swarm" ? before.missingOn : undefined).catch((error: unknown) => {
        throw cmd.failure(error);
      });
    }

    try {
      const image = await cmd.commit(
        (tx) =>
          tx.catalogImage.create({
            data: {
              ref: data.ref,
              name: data.name,
              description: data.description ?? "",
              defaultPort: data.defaultPort ?? null,
              defaultCommand: data.defaultCommand,
            },
          }),
        () => ({
          details: {
            ref: data.ref,
            name: data.name,
            pulled: !wasPresent,
            ...(engineKind() === "swarm" && !wasPresent ? { pulledOn: before.missingOn.map((n) => n.hostname) } : {}),
          },
        }),
      );
      return toCatalogImageDto(image, { present: true, missingOn: [] });
    } catch (error) {
      // Another admin added the same reference while this one was pulling.
      if (isUniqueViolation(error, "ref")) throw refTaken(data.ref);
      throw error;
    }
  },
  ([input]) => ({ target: refTarget(input) }),
);

/** `image:<ref>` from a refused request, when it names a plausible reference. */
function refTarget(input: unknown): string | null {
  const ref = input && typeof input === "object" ? (input as { ref?: unknown }).ref : undefined;
  return typeof ref === "string" && ref.length <= 255 && !/[\u0000-\u001f\u007f]/.test(ref) ? `image:${ref}` : null;
}

/**
 * Pulls a catalog image again where it is missing: on one engine the host, on Swarm each node
 * that can run tenant tasks and lacks it (the catalog names them), so that tenants can launch
 * it again (admin). Nothing is pulled when it is everywhere already.
 */
export const pullCatalogImage = command(
  "image.pull",
  async (cmd, imageId: string, onProgress?: (progress: PullProgress) => void): Promise<CatalogImageDto> => {
    requireRole(cmd.actor, "admin");
    const image = await db.catalogImage.findUnique({ where: { id: imageId } });
    if (!image) throw notFound("Image");
    cmd.about({ target: `image:${image.ref}`, details: { ref: image.ref } });
    const before = (await imagePresence([image.ref])).get(image.ref) ?? { present: false, missingOn: [] };
    if (!before.present) {
      await pullImage(image.ref, onProgress, engineKind() === "swarm" ? before.missingOn : undefined).catch((error: unknown) => {
        throw cmd.failure(error);
      });
    }
    cmd.about({
      details: {
        ref: image.ref,
        pulled: !before.present,
        ...(engineKind() === "swarm" && !before.present ? { pulledOn: before.missingOn.map((n) => n.hostname) } : {}),
      },
    });
    await cmd.recordAlone();
    const after = (await imagePresence([image.ref])).get(image.ref) ?? { present: false, missingOn: [] };
    return toCatalogImageDto(image, after);
  },
  ([imageId]) => ({ target: typeof imageId === "string" ? `image:${imageId.slice(0, 128)}` : null }),
);

/** Takes an image out of the catalog. The image stays on the host: running containers may use it. */
export const removeCatalogImage = command(
  "image.remove",
  async (cmd, imageId: string): Promise<void> => {
    requireRole(cmd.actor, "admin");
    await cmd.commit(
      async (tx) => {
        const image = await tx.catalogImage.findUnique({ where: { id: imageId } });
        if (!image) throw notFound("Image");
        await tx.catalogImage.delete({ where: { id: imageId } });
        return image;
      },
      (image) => ({ target: `image:${image.ref}`, details: { ref: image.ref, name: image.name } }),
    );
  },
  ([imageId]) => ({ target: `image:${imageId}` }),
);
