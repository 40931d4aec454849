import { createHash } from "node:crypto";

/**
 * The one DNS label under the apps domain that names a tenant app (api-v1.md "Ingress").
 *
 *   <name>--<tenant>            the container's first HTTPS port (e.g. web--acme)
 *   <port>--<name>--<tenant>    each further HTTPS port (e.g. 9000--web--acme)
 *   <name>-<tenant>-h<hash>     otherwise: a name or tenant slug that holds "--" or ends in
 *                               "-", or a label that would pass 63 characters
 *
 * Why it never maps two apps to one label: in the first two forms neither part contains
 * "--" nor starts or ends with "-", so the label splits at its "--" into exactly the parts
 * it was made from (one "--": name and tenant; two: port, name and tenant), and the third
 * form contains no "--" at all, so it never meets the other two. Tenant "a-b" with app "c"
 * is c--a-b; tenant "a" with app "b-c" is b-c--a. Hashed labels can only meet by a SHA-256
 * collision, and the database's unique key on the host name refuses even that.
 */

export const MAX_LABEL = 63;

const clean = (part: string) => !part.includes("--") && !part.startsWith("-") && !part.endsWith("-");

function hashed(name: string, tenant: string, port: number | undefined): string {
  const hash = createHash("sha256")
    .update(`${tenant}\u0000${name}\u0000${port ?? ""}`)
    .digest("hex")
    .slice(0, 10);
  const squash = (s: string) => s.replace(/-+/g, "-").replace(/^-|-$/g, "");
  const suffix = `-h${hash}`;
  const room = MAX_LABEL - suffix.length - 1;
  const portPart = port === undefined ? "" : `${port}-`;
  const left = squash(`${portPart}${squash(name)}`).slice(0, Math.max(1, room - Math.min(squash(tenant).length, 20)));
  const right = squash(tenant).slice(0, room - left.length);
  return squash(`${left}-${right}`) + suffix;
}

/**
 * The label for a container's HTTPS port. `index` is the port's place among the container's
 * HTTPS ports in ascending order; the first one has no port number in its name.
 */
export function appLabel(name: string, tenantSlug: string, port: number, index: number): string {
  const portPart = index === 0 ? undefined : port;
  if (clean(name) && clean(tenantSlug)) {
    const label = portPart === undefined ? `${name}--${tenantSlug}` : `${portPart}--${name}--${tenantSlug}`;
    if (label.length <= MAX_LABEL) return label;
  }
  return hashed(name, tenantSlug, portPart);
}

/** The full host name: label + apps domain. */
export function appHostName(label: string, appsDomain: string): string {
  return `${label}.${appsDomain}`;
}
