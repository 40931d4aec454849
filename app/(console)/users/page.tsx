import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { listTenants } from "@/lib/services/tenants";
import { listUsers } from "@/lib/services/users";
import { PageHeader } from "@/components/page-header";
import { CreateUserForm } from "@/components/user-forms";
import { RelativeTime } from "@/components/relative-time";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requireSessionActor();
  if (actor.role !== "admin") forbidden();
  const [users, tenants] = await Promise.all([listUsers(actor), listTenants(actor)]);
  return (
    <>
      <PageHeader title="Users" />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Tenants</th>
              <th>Status</th>
              <th>Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  <Link href={`/users/${u.id}`}>{u.email}</Link>
                </td>
                <td>{u.role}</td>
                <td>{u.tenants.length ? u.tenants.map((t) => `${t.name} (${t.role})`).join(", ") : <span className="muted">none</span>}</td>
                <td>{u.disabled ? <span className="badge danger">disabled</span> : <span className="badge ok">active</span>}</td>
                <td>
                  <RelativeTime iso={u.lastSignInAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="panel" aria-labelledby="new-user">
        <h2 id="new-user">New user</h2>
        <CreateUserForm tenants={tenants.map((t) => ({ id: t.id, name: t.name }))} />
      </section>
    </>
  );
}
