import { getSessionActor } from "@/lib/auth/session";
import { ConsoleShell } from "@/app/(console)/console-shell";

// Who is signed in decides the frame, and the page must carry this request's CSP nonce (proxy.ts).
export const dynamic = "force-dynamic";

/**
 * The frame of a URL that matches no page ([...path] below): the console's navigation for a
 * signed-in user, to go on from a wrong link; nothing around the sign-in panel otherwise.
 * Here rather than in app/not-found.tsx: the root not-found is rendered into every page's
 * payload as the root layout's fallback, and a console shell there cost every view a second
 * shell (docs/benchmarks.md, "Dashboard, round 2 follow-up").
 */
export default async function UnmatchedLayout({ children }: { children: React.ReactNode }) {
  const actor = await getSessionActor();
  return actor ? <ConsoleShell actor={actor}>{children}</ConsoleShell> : children;
}
