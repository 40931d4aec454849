import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/auth/safe-next";
import { getSessionActor } from "@/lib/auth/session";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // Only a path on this site: `next` arrives in a link anyone can craft.
  const target = safeNextPath(next);
  if (await getSessionActor()) redirect(target);
  return (
    <main className="signin">
      <div className="panel">
        {/* eslint-disable-next-line @next/next/no-img-element -- plain <img>: a static SVG needs no optimisation, and the CSP allows img-src 'self'. */}
        <img src="/logo.svg" alt="Berth" width={120} height={32} className="signin-logo" />
        <h1>Sign in to Berth</h1>
        <SignInForm next={target} />
      </div>
    </main>
  );
}
