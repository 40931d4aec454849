"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect } from "react";

/**
 * What a page shows a signed-out visitor (lib/auth/session.ts): off to the sign-in page, with
 * the page they asked for as `next` (checked again there: lib/auth/safe-next.ts), so a shared
 * link still lands where it pointed once they have signed in. The path is read here because
 * the browser's router knows it; the server code that refused does not.
 */
export default function Unauthorized() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const router = useRouter();
  const next = `${pathname}${search ? `?${search}` : ""}`;
  const signIn = next === "/" ? "/signin" : `/signin?next=${encodeURIComponent(next)}`;
  useEffect(() => router.replace(signIn), [router, signIn]);
  return (
    <main className="signin">
      <div className="panel">
        <h1>Sign in to continue</h1>
        <p>
          <Link href={signIn}>Sign in</Link> to open this page.
        </p>
      </div>
    </main>
  );
}
