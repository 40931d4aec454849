import { redirect } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";

/** Each role's start page. */
export default async function Home() {
  const actor = await requireSessionActor();
  if (actor.role === "admin" || actor.role === "operator") redirect("/tenants");
  redirect("/dashboard");
}
