import { requireSessionActor } from "@/lib/auth/session";
import { ConsoleShell } from "./console-shell";

// Every console page depends on who is signed in: never prerender or cache them.
export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireSessionActor();
  return <ConsoleShell actor={actor}>{children}</ConsoleShell>;
}
