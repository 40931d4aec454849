import type { Metadata } from "next";
import { notFound } from "next/navigation";

// The tab's title: a nested not-found.tsx's own metadata is not used when a page calls notFound().
export const metadata: Metadata = { title: "Not found" };

/** Every URL no other page or route matches: a 404 with ../not-found.tsx inside ../layout.tsx. */
export default function Unmatched(): never {
  notFound();
}
