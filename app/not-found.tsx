import type { Metadata } from "next";
import { connection } from "next/server";
import { SignedOutNotFound } from "@/components/signed-out-not-found";

export const metadata: Metadata = { title: "Not found" };

/**
 * The root layout's not-found boundary. A URL that matches no page never gets here: it is
 * app/(unmatched)/[...path], with the console's navigation for a signed-in user; console
 * pages' notFound() has app/(console)/not-found.tsx. What is left is a notFound() outside
 * both. Kept small on purpose: Next renders this into every page's payload as the root
 * fallback, so a console shell here was a second shell (its queries and markup) on every
 * view. `connection()` keeps it rendered per request: prerendered, it would carry no CSP
 * nonce (proxy.ts), and the browser would refuse its scripts.
 */
export default async function NotFound() {
  await connection();
  return <SignedOutNotFound />;
}
