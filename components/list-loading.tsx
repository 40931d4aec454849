/**
 * A list's loading state (ui.md: every list has one) while its rows stream in behind a
 * Suspense boundary: one quiet line, announced politely, in the place the list will take.
 */
export function ListLoading({ label }: { label: string }) {
  return (
    <div className="empty" role="status" aria-busy="true">
      {label}
    </div>
  );
}
