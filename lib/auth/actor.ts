import type { MembershipRole, Role } from "@/lib/schemas/user";

/** Where a request came from: recorded with every activity event. */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
  requestId: string;
}

/**
 * Who is asking, as the service layer sees it. Built fresh from the database on every
 * request (session or token), so a disabled user, a changed role or a removed membership
 * takes effect at once.
 */
export interface Actor {
  kind: "user" | "token";
  userId: string;
  email: string;
  role: Role;
  tokenId?: string;
  /**
   * When the credential this request came with was issued (the session's sign-in, the API
   * token's creation), for credentials checked against the user's `sessionsValidFrom`:
   * long-lived streams re-check it (lib/auth/actor-now.ts).
   */
  issuedAt?: Date;
  memberships: { tenantId: string; role: MembershipRole }[];
  client: ClientInfo;
}
