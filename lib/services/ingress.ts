import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Actor } from "@/lib/auth/actor";
import { currentEdgeSync } from "@/lib/ingress/edge-sync";
import { EDGE_FILES, ingressSettings } from "@/lib/ingress/settings";

export interface IngressInfo {
  appsDomain: string;
  portalUrl: string;
  httpsPort: number;
  tls: "internal" | "acme";
  /** PEM of the internal CA's root, for a user to trust (only with tls "internal", once the edge made it). */
  caCertificate?: string;
}

/** Where tenant apps are served and the CA that signs them (api-v1.md "Ingress"); any signed-in caller. */
export async function ingressInfo(_actor: Actor): Promise<IngressInfo> {
  const s = ingressSettings();
  const ca = s.tls === "internal" ? await internalCaRoot() : undefined;
  return { appsDomain: s.appsDomain, portalUrl: s.portalUrl, httpsPort: s.httpsPort, tls: s.tls, ...(ca ? { caCertificate: ca } : {}) };
}

/** The internal CA's root certificate (public; never the key), or undefined before the edge made it. */
export async function internalCaRoot(): Promise<string | undefined> {
  const pem = await readFile(path.join(ingressSettings().edgeDir, EDGE_FILES.caRoot), "utf8").catch(() => undefined);
  return pem?.startsWith("-----BEGIN CERTIFICATE-----") ? pem : undefined;
}

/**
 * What a page showing app addresses says about them: whether the CA must be trusted (internal
 * TLS, with a download), and whether the edge answers now (a launch never waits for it).
 */
export function appAddressNotes(): { internalCa: boolean; edgeDown: boolean } {
  const s = ingressSettings();
  const health = currentEdgeSync()?.health;
  return { internalCa: s.tls === "internal", edgeDown: !s.enabled || (health !== undefined && health.lastSyncAt !== undefined && !health.reachable) };
}
