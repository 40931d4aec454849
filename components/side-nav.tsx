"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Role } from "@/lib/schemas/user";

interface Item {
  href: string;
  label: string;
}

function itemsFor(role: Role, isMember: boolean, ownsTenant: boolean): { section: string; items: Item[] }[] {
  const sections: { section: string; items: Item[] }[] = [];
  if (isMember) {
    sections.push({
      section: "Tenant",
      items: [
        { href: "/dashboard", label: "Dashboard" },
        // Operators review; they never launch, even in a tenant they belong to (lib/authz).
        ...(role === "operator" ? [] : [{ href: "/containers/new", label: "Launch" }]),
        { href: "/volumes", label: "Volumes" },
      ],
    });
    // Owners read their tenants' activity; admins and operators find it in their own section.
    if (ownsTenant && role === "member") sections[sections.length - 1].items.push({ href: "/activity", label: "Activity" });
  }
  if (role === "admin") {
    sections.push({
      section: "Administration",
      items: [
        { href: "/tenants", label: "Tenants" },
        { href: "/users", label: "Users" },
        { href: "/images", label: "Images" },
        { href: "/activity", label: "Activity" },
        { href: "/nodes", label: "Nodes" },
        { href: "/health", label: "Health" },
      ],
    });
  }
  if (role === "operator")
    sections.push({
      section: "Operations",
      items: [
        { href: "/activity", label: "Activity" },
        { href: "/tenants", label: "Tenants" },
        { href: "/images", label: "Images" },
        { href: "/nodes", label: "Nodes" },
      ],
    });
  sections.push({
    section: "Account",
    items: [
      { href: "/settings/account", label: "Password" },
      { href: "/settings/tokens", label: "API tokens" },
    ],
  });
  return sections;
}

export function SideNav({ role, isMember, ownsTenant = false }: { role: Role; isMember: boolean; ownsTenant?: boolean }) {
  const pathname = usePathname();
  return (
    <nav className="sidebar" aria-label="Main">
      <Link href="/" className="brand">
        Berth
      </Link>
      {itemsFor(role, isMember, ownsTenant).map(({ section, items }) => (
        <div key={section} style={{ display: "contents" }}>
          <div className="section">{section}</div>
          {items.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className="nav"
              aria-current={pathname === item.href || pathname.startsWith(item.href + "/") ? "page" : undefined}
            >
              {item.label}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}
