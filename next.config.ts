import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

/**
 * The volume upload's Server Action carries the files in its body: the limits must admit
 * one whole upload (BERTH_UPLOAD_MAX_TOTAL_MB, lib/config.ts) plus the form's own bytes.
 * Read at build time; the service checks the caps itself whatever these allow.
 */
const uploadBodyLimit = `${Number(process.env.BERTH_UPLOAD_MAX_TOTAL_MB || 25) + 1}mb` as const;

const nextConfig: NextConfig = {
  // dockerode's optional ssh addon is native; Turbopack cannot place it in ESM chunks.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "better-sqlite3", "ws"],
  poweredByHeader: false,
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: uploadBodyLimit }, proxyClientMaxBodySize: uploadBodyLimit },
  // Browsers ask for /favicon.ico on their own, whatever the page links: the same icon answers.
  async rewrites() {
    return [{ source: "/favicon.ico", destination: "/favicon.svg" }];
  },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // Pages get a per-request nonce CSP from proxy.ts; JSON and files get a closed one.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default nextConfig;
