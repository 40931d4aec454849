import Link from "next/link";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

/** The body of the not-found page, inside the console's navigation. */
export function NotFoundMessage() {
  return (
    <>
      <PageHeader title="Not found" />
      <EmptyState title="There is nothing here, or it belongs to a tenant you cannot see">
        <p style={{ margin: "8px 0 0" }}>
          Check the address, or go back to <Link href="/">your start page</Link>; the navigation has everything you can open.
        </p>
      </EmptyState>
    </>
  );
}
