import type { Metadata } from "next";
import { getSessionActor } from "@/lib/auth/session";
import { NotFoundMessage } from "@/components/not-found-message";
import { SignedOutNotFound } from "@/components/signed-out-not-found";

export const metadata: Metadata = { title: "Not found" };

/** A URL that matches no page: inside the console's navigation (the layout) when signed in. */
export default async function UnmatchedNotFound() {
  return (await getSessionActor()) ? <NotFoundMessage /> : <SignedOutNotFound />;
}
