import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { currentSort, listParamsOf } from "@/lib/forms/list-params";
import { listTenants } from "@/lib/services/tenants";
import { queryUsers } from "@/lib/services/users";
import { BadListParams, ListSearch, NoRowsHere, Pager, SortHeader } from "@/components/list-controls";
import { PageHeader } from "@/components/page-header";
import { CreateUserForm } from "@/components/user-forms";
import { RelativeTime } from "@/components/relative-time";

export const metadata: Metadata = { title: "Users" };

const PATH = "/users";

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSessionActor();
  if (actor.role !== "admin") forbidden();
  const params = listParamsOf(await searchParams);
  const [users, tenants] = await Promise.all([
    queryUsers(actor, params).catch((error: unknown) =>
      error instanceof ServiceError && error.code === "validation_failed" ? error : Promise.reject(error),
    ),
    listTenants(actor),
  ]);
  const header = { path: PATH, params, current: currentSort(params, "email") };
  return (
    <>
      <PageHeader title="Users" />
      <ListSearch path={PATH} params={params} label="Search users" placeholder="Search by email" />
      {users instanceof ServiceError ? (
        <BadListParams path={PATH} message={users.message} />
      ) : users.items.length === 0 ? (
        <NoRowsHere path={PATH} params={params} page={users.page} noun="users" />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <SortHeader {...header} column="email">
                    Email
                  </SortHeader>
                  <SortHeader {...header} column="role">
                    Role
                  </SortHeader>
                  <th>Tenants</th>
                  <th>Status</th>
                  <SortHeader {...header} column="lastSignIn">
                    Last sign-in
                  </SortHeader>
                </tr>
              </thead>
              <tbody>
                {users.items.map((u) => (
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
          <Pager path={PATH} params={params} page={users.page} pageSize={users.pageSize} total={users.total} noun="users" />
        </>
      )}
      <section className="panel" aria-labelledby="new-user">
        <h2 id="new-user">New user</h2>
        <CreateUserForm tenants={tenants.map((t) => ({ id: t.id, name: t.name }))} />
      </section>
    </>
  );
}
