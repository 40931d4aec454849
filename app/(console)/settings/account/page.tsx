import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/lib/auth/session";
import { PageHeader } from "@/components/page-header";
import { ChangePasswordForm } from "@/components/password-forms";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ changed?: string }> }) {
  const actor = await requireSessionActor();
  const { changed } = await searchParams;
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${actor.email}`} />
      <section className="panel" aria-labelledby="password-head">
        <h2 id="password-head">Change password</h2>
        <p className="muted" style={{ marginTop: 0 }}>
          This browser stays signed in. Every other session is signed out and every <Link href="/settings/tokens">API token</Link> of yours is
          revoked.
        </p>
        {/* Where the change lands (lib/actions/account.ts): the message sits above the form, which starts empty again. */}
        <div aria-live="polite">
          {changed === "1" && (
            <p role="status" className="form-message ok">
              Password changed. Your other sessions are signed out and your API tokens revoked.
            </p>
          )}
        </div>
        <ChangePasswordForm />
      </section>
    </>
  );
}
