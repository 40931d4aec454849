import "server-only";
import { recordActivity } from "@/lib/activity/record";
import { starterImages } from "@/lib/catalog/starter-images";
import { db } from "@/lib/db";

/** Registers the starter images in the catalog; existing entries (and admins' edits) are kept. */
export async function seedStarterCatalog(): Promise<string[]> {
  const added: string[] = [];
  for (const image of starterImages) {
    const existing = await db.catalogImage.findUnique({ where: { ref: image.ref } });
    if (existing) continue;
    await db.$transaction(async (tx) => {
      await tx.catalogImage.create({
        data: {
          ref: image.ref,
          name: image.name,
          description: image.description,
          defaultPort: image.defaultPort,
          defaultCommand: image.defaultCommand,
          healthcheck: image.healthcheck,
        },
      });
      await recordActivity(
        { kind: "system" },
        { action: "image.add", outcome: "allowed", target: `image:${image.ref}`, details: { starter: true } },
        tx,
      );
    });
    added.push(image.ref);
  }
  return added;
}
