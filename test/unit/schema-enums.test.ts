import { describe, expect, it } from "vitest";
import { ContainerStatus, MembershipRole, Outcome, Role } from "@/lib/generated/prisma/enums";
import { OUTCOMES } from "@/lib/schemas/activity";
import { CONTAINER_STATUSES } from "@/lib/schemas/container";
import { membershipRoles, roles } from "@/lib/schemas/user";

// The database's enums and the API's schemas name the same values: a value added to one
// and not the other would be stored but refused, or accepted but unstorable.
describe("Prisma enums match the API's zod enums", () => {
  it.each([
    ["Role", Role, roles],
    ["MembershipRole", MembershipRole, membershipRoles],
    ["Outcome", Outcome, OUTCOMES],
    ["ContainerStatus", ContainerStatus, CONTAINER_STATUSES],
  ] as const)("%s", (_name, prismaEnum, schemaValues) => {
    expect(Object.values(prismaEnum).sort()).toEqual([...schemaValues].sort());
  });
});
