import "server-only";
import { db } from "@/lib/db";
import type { Actor, ClientInfo } from "@/lib/auth/actor";

/** Reads the user as it is now; null when it no longer exists or is disabled. */
export async function loadActor(userId: string, client: ClientInfo, token?: { id: string }): Promise<Actor | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, role: true, disabled: true, memberships: true },
  });
  if (!user || user.disabled) return null;
  return {
    kind: token ? "token" : "user",
    userId: user.id,
    email: user.email,
    role: user.role,
    tokenId: token?.id,
    memberships: user.memberships.map((m) => ({
      tenantId: m.tenantId,
      role: m.role,
    })),
    client,
  };
}
