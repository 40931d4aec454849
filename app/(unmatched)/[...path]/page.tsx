import { notFound } from "next/navigation";

/** Every URL no other page or route matches: a 404 with ../not-found.tsx inside ../layout.tsx. */
export default function Unmatched(): never {
  notFound();
}
