import type { Actor } from "@/lib/auth/actor";
import { engineReachable } from "@/lib/services/health";
import { listTenants } from "@/lib/services/tenants";
import { currentTenantId } from "@/lib/tenancy/current-tenant";
import { SideNav } from "@/components/side-nav";
import { TenantSwitcher } from "@/components/tenant-switcher";
import { signOutAction } from "@/lib/actions/sign-in";

/**
 * The console around a page: navigation, the engine banner and the top bar. The console
 * layout uses it, and so does the not-found page for a signed-in user, who can then go on
 * from a wrong link instead of being stranded.
 */
export async function ConsoleShell({ actor, children }: { actor: Actor; children: React.ReactNode }) {
  const [engine, tenants, current] = await Promise.all([
    engineReachable(),
    actor.memberships.length > 1 ? listTenants(actor) : Promise.resolve([]),
    currentTenantId(actor),
  ]);
  const myTenants = tenants.filter((t) => actor.memberships.some((m) => m.tenantId === t.id));
  // A member's role is the one in the tenant they are working in (the pages say "owner" or
  // "member" of it); admins and operators act across tenants under their own role.
  const tenantRole = actor.memberships.find((m) => m.tenantId === current)?.role;
  const shownRole = actor.role === "member" && tenantRole ? tenantRole : actor.role;
  return (
    <div className="shell">
      <SideNav role={actor.role} isMember={actor.memberships.length > 0} ownsTenant={actor.memberships.some((m) => m.role === "owner")} />
      <div className="main">
        {!engine.reachable && (
          <div className="banner danger" role="alert">
            The container engine is unreachable. Containers cannot be launched or changed until it is back; your data is safe.
          </div>
        )}
        <header className="topbar">
          {myTenants.length > 1 && current && <TenantSwitcher tenants={myTenants} current={current} />}
          <span className="who">
            {actor.email} · <span className="badge">{shownRole}</span>
          </span>
          <form action={signOutAction}>
            <button type="submit">Sign out</button>
          </form>
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
