import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { engineKind } from "@/lib/docker/engine-config";
import { ServiceError } from "@/lib/errors";
import type { NodeDto } from "@/lib/schemas/node";
import { listNodes } from "@/lib/services/nodes";
import { EmptyState } from "@/components/empty-state";
import { NodeAvailabilityButton } from "@/components/node-availability-button";
import { PageHeader } from "@/components/page-header";
import { RelativeTime } from "@/components/relative-time";

export const metadata: Metadata = { title: "Nodes" };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const AVAILABILITY: Record<NodeDto["availability"], string> = {
  active: "active",
  pause: "paused: keeps its tasks, takes no new ones",
  drain: "drained: its tasks moved away",
};

export default async function NodesPage() {
  const actor = await requireSessionActor();
  if (actor.role !== "admin" && actor.role !== "operator") forbidden();
  const swarm = engineKind() === "swarm";
  const canChange = swarm && actor.role === "admin";
  let nodes: NodeDto[] = [];
  let failure: string | null = null;
  try {
    nodes = await listNodes(actor);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    failure = error.message;
  }
  const eligible = nodes.filter((n) => n.posture.ok && n.state === "ready" && n.availability === "active").length;
  return (
    <>
      <PageHeader
        title="Nodes"
        description={
          swarm
            ? `A Docker Swarm of ${plural(nodes.length, "node")}; ${plural(eligible, "node")} can take new tenant containers. A node whose posture fails gets none.`
            : "Berth runs every container on a single Docker Engine. On a Swarm, each node and its posture would be listed here."
        }
        action={actor.role === "operator" && <span className="badge">read-only</span>}
      />
      {failure ? (
        <EmptyState tone="error" title="The nodes could not be read">
          {failure}
        </EmptyState>
      ) : nodes.length === 0 ? (
        <EmptyState title="No nodes">The engine reported no nodes. Check that its manager answers (Health).</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="nodes">
            <thead>
              <tr>
                <th>Node</th>
                <th>State</th>
                <th className="num hide-narrow">Containers</th>
                <th>Posture</th>
                {canChange && (
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {nodes.map((node) => (
                <tr key={node.id}>
                  <td>
                    <strong className="node-name">{node.hostname}</strong>
                    <div className="muted node-meta">
                      {node.role} · <code title={node.id}>{node.id.slice(0, 12)}</code>
                    </div>
                  </td>
                  <td>
                    <span className={`status ${node.state === "ready" ? "running" : "dead"}`}>{node.state}</span>
                    <div className="muted node-meta">{AVAILABILITY[node.availability]}</div>
                    <div className="muted node-meta only-narrow">{plural(node.containers, "container")}</div>
                  </td>
                  <td className="num hide-narrow">{node.containers}</td>
                  <td className="node-posture">
                    {node.posture.ok ? <span className="badge ok">eligible</span> : <span className="badge danger">not eligible</span>}
                    {node.posture.problems.length > 0 && (
                      <ul className="node-problems">
                        {node.posture.problems.map((problem) => (
                          <li key={problem}>{problem}</li>
                        ))}
                      </ul>
                    )}
                    <div className="muted node-meta">
                      no-new-privileges {node.posture.noNewPrivileges ? "yes" : "no"} · userns-remap {node.posture.usernsRemap ? "yes" : "no"} ·
                      checked <RelativeTime iso={node.posture.checkedAt} />
                    </div>
                  </td>
                  {canChange && (
                    <td>
                      <NodeAvailabilityButton
                        nodeId={node.id}
                        hostname={node.hostname}
                        containers={node.containers}
                        drained={node.availability !== "active"}
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
