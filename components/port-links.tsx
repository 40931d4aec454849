import type { ContainerDto } from "@/lib/schemas/container";

/** A container's addresses: TCP ones as links (HTTPS through the edge or a raw port), UDP as text. */
export function PortLinks({ ports }: { ports: Pick<ContainerDto["ports"][number], "container" | "protocol" | "url">[] }) {
  return (
    <div className="url-list">
      {ports.map((p) =>
        p.protocol === "tcp" ? (
          <a key={`${p.container}/${p.protocol}`} href={p.url} target="_blank" rel="noreferrer">
            {p.url}
          </a>
        ) : (
          <span key={`${p.container}/${p.protocol}`}>{p.url}</span>
        ),
      )}
    </div>
  );
}
