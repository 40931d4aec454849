import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { queryContainers } from "@/lib/services/containers";
import { currentSort, listParamsOf } from "@/lib/forms/list-params";
import { BadListParams, ListSearch, NoRowsHere, Pager } from "@/components/list-controls";
import { getTenantWithMembers } from "@/lib/services/tenants";
import { removeMemberAction } from "@/lib/actions/tenants";
import { listUsers } from "@/lib/services/users";
import { ConfirmActionButton } from "@/components/confirm-action-button";
import { AddMemberForm } from "@/components/member-forms";
import { ContainerTable } from "@/components/container-table";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { RenameTenantForm, SuspendTenantButton } from "@/components/tenant-admin-forms";
import { RelativeTime } from "@/components/relative-time";
import { TenantQuotaSection } from "@/components/tenant-quota-section";

export const metadata: Metadata = { title: "Tenant" };

export default async function TenantPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireSessionActor();
  if (actor.role !== "admin" && actor.role !== "operator") forbidden();
  const { tenantId } = await params;
  const tenant = await getTenantWithMembers(actor, tenantId).catch((error) => {
    if (error instanceof ServiceError && error.code === "not_found") notFound();
    throw error;
  });
  const isAdmin = actor.role === "admin";
  const memberIds = new Set(tenant.members.map((m) => m.id));
  // Offered while typing an email: users who are not members yet.
  const memberSuggestions = isAdmin ? (await listUsers(actor)).filter((u) => !memberIds.has(u.id)).map((u) => u.email) : [];
  const list = listParamsOf(await searchParams);
  const path = `/tenants/${tenantId}`;
  const containers = await queryContainers(actor, tenantId, list).catch((error: unknown) =>
    error instanceof ServiceError ? error : Promise.reject(error),
  );
  return (
    <>
      <PageHeader
        title={tenant.name}
        parent={<Link href="/tenants">Tenants</Link>}
        action={tenant.suspended ? <span className="badge danger">suspended</span> : <span className="badge ok">active</span>}
      >
        <p className="page-description">
          <Link href={`/activity?tenantId=${encodeURIComponent(tenant.id)}`}>View this tenant&apos;s activity</Link>
        </p>
      </PageHeader>
      <div className="cards">
        <div className="card">
          <div className="label">Slug</div>
          <div className="value">
            <code>{tenant.slug}</code>
          </div>
        </div>
        <div className="card">
          <div className="label">Containers run as uid:gid</div>
          <div className="value">
            {tenant.uid}:{tenant.uid}
          </div>
        </div>
        <div className="card">
          <div className="label">Created</div>
          <div className="value">
            <RelativeTime iso={tenant.createdAt} />
          </div>
        </div>
      </div>
      {isAdmin && (
        <section className="panel" aria-labelledby="settings">
          <h2 id="settings">Settings</h2>
          <RenameTenantForm tenantId={tenant.id} name={tenant.name} />
          <hr style={{ border: 0, borderTop: "1px solid var(--border)", margin: "16px 0" }} />
          <SuspendTenantButton tenantId={tenant.id} name={tenant.name} suspended={tenant.suspended} />
        </section>
      )}
      <TenantQuotaSection actor={actor} tenantId={tenant.id} />
      <h2>Containers</h2>
      {!(containers instanceof ServiceError) && (containers.total > 0 || list.q) && (
        <ListSearch path={path} params={list} label="Search containers" placeholder="Search by name or image" />
      )}
      {containers instanceof ServiceError ? (
        containers.code === "validation_failed" ? (
          <BadListParams path={path} message={containers.message} />
        ) : (
          <EmptyState tone="error" title="Container states cannot be shown">
            {containers.message}
          </EmptyState>
        )
      ) : containers.items.length === 0 && (list.q || containers.page > 1) ? (
        <NoRowsHere path={path} params={list} page={containers.page} noun="containers" />
      ) : (
        <>
          <ContainerTable
            tenantId={tenant.id}
            containers={containers.items}
            sorting={{ path, params: list, current: currentSort(list, "created") }}
            empty={<EmptyState title="No containers">This tenant&apos;s members have not launched anything yet.</EmptyState>}
          />
          {containers.items.length > 0 && (
            <Pager path={path} params={list} page={containers.page} pageSize={containers.pageSize} total={containers.total} noun="containers" />
          )}
        </>
      )}
      <h2 id="members-head">Members</h2>
      {isAdmin && (
        <section className="panel" aria-labelledby="members-head">
          <AddMemberForm tenantId={tenant.id} suggestions={memberSuggestions} />
        </section>
      )}
      {tenant.members.length === 0 ? (
        <EmptyState title="No members yet">
          {isAdmin ? (
            <>
              Add someone above by email; new people get an account on the <Link href="/users">Users</Link> page first.
            </>
          ) : (
            "An administrator has not added anyone to this tenant."
          )}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Email</th>
                <th>Tenant role</th>
                <th>Portal role</th>
                <th>Status</th>
                {isAdmin && (
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {tenant.members.map((m) => (
                <tr key={m.id}>
                  <td>{isAdmin ? <Link href={`/users/${m.id}`}>{m.email}</Link> : m.email}</td>
                  <td>{m.membershipRole}</td>
                  <td>{m.role}</td>
                  <td>{m.disabled ? <span className="badge danger">disabled</span> : <span className="badge ok">active</span>}</td>
                  {isAdmin && (
                    <td style={{ textAlign: "right" }}>
                      <ConfirmActionButton
                        action={removeMemberAction.bind(null, tenant.id, m.id)}
                        question={`Remove ${m.email} from “${tenant.name}”? They lose access to its containers and volumes at once.`}
                        label="Remove"
                        pendingLabel="Removing…"
                        ariaLabel={`Remove member ${m.email}`}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
