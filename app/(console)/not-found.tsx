import type { Metadata } from "next";
import { NotFoundMessage } from "@/components/not-found-message";

export const metadata: Metadata = { title: "Not found" };

/** notFound() in a console page: rendered inside the console layout, which has the navigation already. */
export default function ConsoleNotFound() {
  return <NotFoundMessage />;
}
