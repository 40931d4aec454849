import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { getEngineHealth } from "@/lib/services/engine-health";
import { engineFailure } from "@/lib/docker/engine-words";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { RelativeTime } from "@/components/relative-time";

export const metadata: Metadata = { title: "Health" };

/** The reconciler's last failure in words: the lease is Berth's database, anything else the engine. */
const reconcilerError = (raw: string) =>
  raw.startsWith("lease:") ? "the lead could not be renewed in the database (the details are in the server log)" : engineFailure(raw);

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export default async function HealthPage() {
  const actor = await requireSessionActor();
  if (actor.role !== "admin") forbidden();
  const { engine, reconciler, lease, quarantined, edge, ingress } = await getEngineHealth(actor);
  const report = reconciler?.lastReport;
  return (
    <>
      <PageHeader title="Health" />
      <div className="cards">
        <div className="card">
          <div className="label">Container engine</div>
          <div className="value">
            {engine.reachable ? <span className="status running">reachable</span> : <span className="status dead">unreachable</span>}
          </div>
          <div className="muted">{engine.version ? `Docker ${engine.version} (API ${engine.apiVersion})` : "no answer within 2 s"}</div>
        </div>
        <div className="card">
          <div className="label">Reconciler</div>
          <div className="value">
            {reconciler?.leading ? (
              reconciler.connected ? (
                <span className="status running">following events</span>
              ) : (
                <span className="status restarting">reconnecting</span>
              )
            ) : (
              <span className="status stopped">standing by</span>
            )}
          </div>
          <div className="muted">
            {reconciler?.leading
              ? count(reconciler.eventsHandled, "event") + " handled"
              : lease
                ? `led by ${lease.holder}`
                : "no reconciler holds the lease"}
            {/* The engine's own words are in the server log; here, what they mean. */}
            {reconciler?.lastError && <> · last error: {reconcilerError(reconciler.lastError)}</>}
          </div>
        </div>
        <div className="card">
          <div className="label">Edge (HTTPS)</div>
          <div className="value">
            {!edge.enabled ? (
              <span className="status stopped">off</span>
            ) : edge.reachable ? (
              <span className={`status ${edge.routesPresent === edge.routesExpected ? "running" : "restarting"}`}>
                {edge.routesPresent} of {edge.routesExpected} routes
              </span>
            ) : (
              <span className="status dead">unreachable</span>
            )}
          </div>
          <div className="muted">
            {ingress.portalUrl} · apps under {ingress.appsDomain}
            {edge.certificateIssuer && <> · certificates from {edge.certificateIssuer}</>}
            {edge.lastSyncAt && (
              <>
                {" "}
                · checked <RelativeTime iso={edge.lastSyncAt} />
              </>
            )}
            {edge.problem && <> · {edge.problem}</>}
          </div>
        </div>
        <div className="card">
          <div className="label">Last full pass</div>
          <div className="value">{report ? <RelativeTime iso={report.at} /> : "—"}</div>
          <div className="muted">
            {report
              ? `${count(report.checked, "container")} checked, ${count(report.cleanedUp, "interrupted launch", "interrupted launches")} cleaned up`
              : "not in this process"}
          </div>
        </div>
      </div>

      <h2>Quarantined containers</h2>
      {quarantined.length === 0 ? (
        <EmptyState title="Nothing is quarantined">
          Containers changed outside Berth so that they break the hardening policy are stopped and listed here.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Container</th>
                <th>Tenant</th>
                <th>Why</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {quarantined.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/containers/${c.id}`}>{c.name}</Link>
                  </td>
                  <td>
                    <Link href={`/tenants/${c.tenantId}`}>{c.tenantName}</Link>
                  </td>
                  <td style={{ maxWidth: 520 }}>{c.reason}</td>
                  <td>
                    <RelativeTime iso={c.at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Orphaned volumes and networks</h2>
      {!report ? (
        <EmptyState>The reconciler of this process has not completed a pass yet; reload in a moment.</EmptyState>
      ) : report.orphans.volumes.length + report.orphans.networks.length === 0 ? (
        <EmptyState title="No orphans">Every Berth volume and network on the engine belongs to a tenant that exists.</EmptyState>
      ) : (
        <div className="panel">
          <p className="muted" style={{ marginTop: 0 }}>
            Berth-labelled volumes this portal has no record of, and networks whose tenant no longer exists. They are reported, never deleted
            automatically.
          </p>
          {report.orphans.volumes.length > 0 && (
            <p>
              <strong>Volumes:</strong> {report.orphans.volumes.join(", ")}
            </p>
          )}
          {report.orphans.networks.length > 0 && (
            <p>
              <strong>Networks:</strong> {report.orphans.networks.join(", ")}
            </p>
          )}
        </div>
      )}
    </>
  );
}
