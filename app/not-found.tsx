import type { Metadata } from "next";
import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { ConsoleShell } from "@/app/(console)/console-shell";
import { NotFoundMessage } from "@/components/not-found-message";

export const metadata: Metadata = { title: "Not found" };

/**
 * A URL that matches no page (notFound() in a console page has app/(console)/not-found.tsx).
 * A signed-in user gets the console's navigation, to go on from a wrong link. Reading the
 * session also makes this page render per request: prerendered, it would carry no CSP nonce
 * (proxy.ts), and the browser would refuse every one of its scripts.
 */
export default async function NotFound() {
  const actor = await getSessionActor();
  if (!actor) {
    return (
      <main className="signin">
        <div className="panel">
          <h1>Not found</h1>
          <p>There is nothing here, or you need to sign in to see it.</p>
          <p>
            <Link href="/signin">Sign in</Link>
          </p>
        </div>
      </main>
    );
  }
  return (
    <ConsoleShell actor={actor}>
      <NotFoundMessage />
    </ConsoleShell>
  );
}
