import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionActor } from "@/lib/auth/session";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await getSessionActor()) redirect("/");
  const { next } = await searchParams;
  return (
    <main className="signin">
      <div className="panel">
        {/* eslint-disable-next-line @next/next/no-img-element -- plain <img>: a static SVG needs no optimisation, and the CSP allows img-src 'self'. */}
        <img src="/logo.svg" alt="Berth" width={120} height={32} className="signin-logo" />
        <h1>Sign in to Berth</h1>
        <SignInForm next={next} />
      </div>
    </main>
  );
}
