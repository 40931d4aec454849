import type { ReactNode } from "react";

/**
 * What a list shows instead of rows: a short title and what to do next (ui.md: "every list
 * has an empty state that says what to do next"). `tone="error"` is the same block for a
 * list that could not be loaded, announced as an alert and saying what failed.
 */
export function EmptyState({ title, children, tone = "empty" }: { title?: ReactNode; children?: ReactNode; tone?: "empty" | "error" }) {
  return (
    <div className="empty" role={tone === "error" ? "alert" : undefined}>
      {title && <strong>{title}</strong>}
      {children}
    </div>
  );
}
