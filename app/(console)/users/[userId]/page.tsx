import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { listTenants } from "@/lib/services/tenants";
import { getUser } from "@/lib/services/users";
import { PageHeader } from "@/components/page-header";
import { ResetPasswordForm } from "@/components/password-forms";
import { EditUserForm } from "@/components/user-forms";

export const metadata: Metadata = { title: "Edit user" };

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const actor = await requireSessionActor();
  if (actor.role !== "admin") forbidden();
  const { userId } = await params;
  const [user, tenants] = await Promise.all([
    getUser(actor, userId).catch((error) => {
      if (error instanceof ServiceError && error.code === "not_found") notFound();
      throw error;
    }),
    listTenants(actor),
  ]);
  return (
    <>
      <PageHeader
        title={user.email}
        parent={<Link href="/users">Users</Link>}
        action={user.disabled ? <span className="badge danger">disabled</span> : <span className="badge ok">active</span>}
      />
      <section className="panel">
        <EditUserForm user={user} tenants={tenants.map((t) => ({ id: t.id, name: t.name }))} isSelf={user.id === actor.userId} />
      </section>
      <section className="panel" aria-labelledby="reset-head">
        <h2 id="reset-head">Reset password</h2>
        {user.id === actor.userId ? (
          <p className="muted">
            Change your own password on your <Link href="/settings/account">account page</Link>: it asks for the current one.
          </p>
        ) : (
          <ResetPasswordForm userId={user.id} email={user.email} />
        )}
      </section>
    </>
  );
}
