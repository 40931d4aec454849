import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { canSeeTenantActivity, recentTenantActivity } from "@/lib/services/activity-feed";
import { getContainerDetail } from "@/lib/services/containers";
import { appAddressNotes } from "@/lib/services/ingress";
import { ON_FAILURE_MAX_RETRIES } from "@/lib/policy/build-create-options";
import { formatCpu } from "@/lib/quota/format";
import { containerStateOf } from "@/lib/schemas/container";
import { ActivityList } from "@/components/activity-list";
import { ContainerActions } from "@/components/container-actions";
import { ConsoleTerminal } from "@/components/console-terminal";
import { ContainerStatus } from "@/components/container-status";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { LiveContainers } from "@/components/live-containers";
import { LogViewer } from "@/components/log-viewer";
import { RelativeTime } from "@/components/relative-time";
import { StatsPanel } from "@/components/stats-panel";
import { PortLinks } from "@/components/port-links";

export const metadata: Metadata = { title: "Container" };

const tabs = [
  { id: "overview", label: "Overview" },
  { id: "logs", label: "Logs" },
  { id: "stats", label: "Stats" },
  { id: "console", label: "Console" },
  { id: "activity", label: "Activity" },
] as const;

export default async function ContainerPage({
  params,
  searchParams,
}: {
  params: Promise<{ containerId: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const actor = await requireSessionActor();
  const [{ containerId }, { tab = "overview" }] = await Promise.all([params, searchParams]);
  const detail = await getContainerDetail(actor, containerId).catch((error: unknown) => {
    if (error instanceof ServiceError && error.code === "not_found") notFound();
    throw error;
  });
  const { container: c, hardening } = detail;
  const active = tabs.some((t) => t.id === tab) ? tab : "overview";
  const showActivity = canSeeTenantActivity(actor, c.tenantId);
  // A console is an action inside the tenant: its members only, never an operator (the service refuses the rest too).
  const showConsole = detail.canAct && actor.role !== "operator";
  const notes = appAddressNotes();
  // One live stream for the page: the header's status and actions and the log viewer follow it.
  return (
    <LiveContainers tenantId={c.tenantId} containerId={c.id} initial={[containerStateOf(c)]}>
      <PageHeader
        title={
          <>
            {c.name} <ContainerStatus container={c} />
          </>
        }
        parent={<Link href={actor.memberships.some((m) => m.tenantId === c.tenantId) ? "/dashboard" : `/tenants/${c.tenantId}`}>Containers</Link>}
        action={detail.canAct && <ContainerActions containerId={c.id} name={c.name} status={c.status} />}
      >
        <PortLinks ports={c.ports} />
        {c.ports.some((p) => p.expose === "https") && (
          <p className="muted url-note">
            {notes.edgeDown ? (
              "Berth's edge is not answering right now; these addresses answer once it is back. "
            ) : notes.internalCa ? (
              <>
                Signed by this Berth&apos;s own certificate authority:{" "}
                <a href="/api/v1/ingress/ca.crt" download>
                  download it
                </a>{" "}
                and add it to your browser&apos;s or system&apos;s trusted authorities to open these addresses without a warning.
              </>
            ) : null}
          </p>
        )}
      </PageHeader>
      <nav className="tabs" aria-label="Container sections">
        {tabs
          .filter((t) => (t.id !== "activity" || showActivity) && (t.id !== "console" || showConsole))
          .map((t) => (
            <Link key={t.id} href={`/containers/${c.id}?tab=${t.id}`} aria-current={active === t.id ? "page" : undefined}>
              {t.label}
            </Link>
          ))}
      </nav>
      {active === "overview" && (
        <div className="cards" style={{ gridTemplateColumns: "repeat(auto-fill, minmax(340px, 1fr))" }}>
          <section className="panel" aria-labelledby="about">
            <h2 id="about">Container</h2>
            {detail.canAct && (
              <p className="panel-links">
                <Link href={`/containers/${c.id}/edit`}>Edit and redeploy</Link>
                <Link href={`/containers/new?from=${encodeURIComponent(c.id)}`}>Duplicate</Link>
              </p>
            )}
            <dl className="facts">
              <dt>Image</dt>
              <dd>
                <code>{c.image}</code>
              </dd>
              {c.node ? (
                <>
                  <dt>Node</dt>
                  <dd data-testid="container-node">{c.node}</dd>
                </>
              ) : null}
              <dt>Command</dt>
              <dd>{detail.command ? <code>{detail.command.join(" ")}</code> : <span className="muted">image default</span>}</dd>
              <dt>Environment</dt>
              <dd>
                {detail.envKeys.length ? detail.envKeys.join(", ") : <span className="muted">none</span>}{" "}
                {detail.envKeys.length > 0 && <span className="muted">(values are not shown)</span>}
              </dd>
              <dt>Volumes</dt>
              <dd>
                {detail.mounts.length ? (
                  detail.mounts.map((m) => `${m.volume} → ${m.path}${m.readOnly ? " (read-only)" : ""}`).join(", ")
                ) : (
                  <span className="muted">none</span>
                )}
              </dd>
              <dt>Restart</dt>
              <dd>{detail.restart === "no" ? "never" : `on failure, up to ${ON_FAILURE_MAX_RETRIES} times`}</dd>
              <dt>Created</dt>
              <dd>
                <RelativeTime iso={c.createdAt} />
                {c.createdBy && ` by ${c.createdBy}`}
              </dd>
              <dt>Limits</dt>
              <dd>
                {c.memoryMb} MB memory · {formatCpu(c.cpuMillis)} CPU
              </dd>
            </dl>
          </section>
          <section className="panel" aria-labelledby="hardening">
            <h2 id="hardening">Effective hardening</h2>
            {hardening ? (
              <dl className="facts">
                <dt>User</dt>
                <dd>
                  <code>{hardening.user}</code> (never root)
                </dd>
                <dt>Capabilities</dt>
                <dd>
                  {hardening.capabilitiesAdded.length ? `only ${hardening.capabilitiesAdded.join(", ")}` : "none"} (dropped:{" "}
                  {hardening.capabilitiesDropped.join(", ")})
                </dd>
                <dt>Privilege escalation</dt>
                <dd>
                  {hardening.noNewPrivileges ? "blocked (no-new-privileges)" : "not blocked"}
                  {hardening.privileged ? " · PRIVILEGED" : ""}
                </dd>
                <dt>Root filesystem</dt>
                <dd>{hardening.readOnlyRootfs ? "read-only" : "writable"}</dd>
                <dt>Memory</dt>
                <dd>{Math.round(hardening.memoryBytes / 2 ** 20)} MB, no swap</dd>
                <dt>CPU</dt>
                <dd>{formatCpu(hardening.nanoCpus / 1e6)}</dd>
                <dt>Processes</dt>
                <dd>
                  at most {hardening.pidsLimit}
                  {hardening.init ? ", with an init that reaps zombies" : ""}
                </dd>
                <dt>Network</dt>
                <dd>
                  <code>{hardening.network}</code>
                </dd>
              </dl>
            ) : (
              <p className="muted">
                {detail.engineDown
                  ? "The container engine cannot be reached, so the live settings cannot be read; they are shown again as soon as it is back."
                  : `The engine has no such container right now (${c.status}); nothing to show.`}
              </p>
            )}
          </section>
        </div>
      )}
      {active === "logs" && <LogViewer containerId={c.id} status={c.status} />}
      {active === "stats" && <StatsPanel containerId={c.id} />}
      {active === "console" &&
        showConsole &&
        (c.status === "running" ? (
          <ConsoleTerminal key={c.id} containerId={c.id} />
        ) : (
          <EmptyState title="The container is not running">Start it with the Start button above to open a console in it.</EmptyState>
        ))}
      {active === "activity" && showActivity && (
        <ActivityList
          events={await recentTenantActivity(actor, c.tenantId, { target: `container:${c.name}`, since: new Date(c.createdAt), limit: 50 })}
          empty="No events for this container yet."
        />
      )}
    </LiveContainers>
  );
}
