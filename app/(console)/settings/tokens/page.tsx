import type { Metadata } from "next";
import { requireSessionActor } from "@/lib/auth/session";
import { listTokens } from "@/lib/services/tokens";
import { revokeTokenAction } from "@/lib/actions/tokens";
import { ConfirmActionButton } from "@/components/confirm-action-button";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { CreateTokenForm } from "@/components/token-forms";
import { RelativeTime } from "@/components/relative-time";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const actor = await requireSessionActor();
  const tokens = await listTokens(actor);
  return (
    <>
      <PageHeader title="API tokens" />
      <section className="panel" aria-labelledby="new-token-head">
        <h2 id="new-token-head">New token</h2>
        <p className="muted" style={{ marginTop: 0 }}>
          A token acts as you, with your role and tenants as they are at the time of each call. Send it as
          <code> Authorization: Bearer &lt;token&gt;</code> to <code>/api/v1</code>.
        </p>
        <CreateTokenForm />
      </section>
      {tokens.length === 0 ? (
        <EmptyState title="No active tokens">Create one above to use the REST API from scripts or CI.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <RelativeTime iso={t.createdAt} />
                  </td>
                  <td>
                    <RelativeTime iso={t.expiresAt} />
                  </td>
                  <td>
                    <RelativeTime iso={t.lastUsedAt} />
                  </td>
                  <td style={{ textAlign: "right" }}>
                    <ConfirmActionButton
                      action={revokeTokenAction.bind(null, t.id)}
                      question={`Revoke the token “${t.name}”? Anything using it stops working at once.`}
                      label="Revoke"
                      pendingLabel="Revoking…"
                      ariaLabel={`Revoke token ${t.name}`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
