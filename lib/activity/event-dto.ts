import type { ActionName } from "@/lib/activity/actions";
import type { ActivityEvent } from "@/lib/generated/prisma/client";
import type { ActivityEventDto } from "@/lib/schemas/activity";

/** A stored event in the API's shape (api-v1.md ActivityEvent); absent values are left out. */
export function toActivityEventDto(e: ActivityEvent): ActivityEventDto {
  return {
    id: String(e.seq),
    at: e.at.toISOString(),
    actor: {
      type: e.actorType === "token" || e.actorType === "system" ? e.actorType : "user",
      id: e.actorType === "system" ? "system" : e.actorId,
      ...(e.actorEmail ? { email: e.actorEmail } : {}),
      ...(e.actorRole ? { role: e.actorRole } : {}),
    },
    ...(e.tenantId ? { tenantId: e.tenantId } : {}),
    // Written only through the recorder, which takes an ActionName.
    action: e.action as ActionName,
    ...(e.target ? { target: e.target } : {}),
    outcome: e.outcome,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.ip ? { ip: e.ip } : {}),
    ...(e.userAgent ? { userAgent: e.userAgent } : {}),
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.details ? { details: parseDetails(e.details) } : {}),
    hash: e.hash,
  };
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    // Stored by the recorder as JSON; anything else is shown as it is rather than dropped.
    return { raw: json };
  }
}
