import type { ReactNode } from "react";

/**
 * The top of every console page (ui.md): the title, with the page's one primary action (or
 * its status badge) on the right. `parent` is the breadcrumb link back up ("Tenants /"),
 * `description` a muted line under the title, `children` anything else that belongs under
 * it (a container's URLs).
 */
export function PageHeader({
  title,
  parent,
  description,
  action,
  children,
}: {
  title: ReactNode;
  parent?: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="page-head">
      <div>
        {parent && <p className="muted page-parent">{parent} /</p>}
        <h1>{title}</h1>
        {description && <p className="muted page-description">{description}</p>}
        {children}
      </div>
      {action}
    </div>
  );
}
