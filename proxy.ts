import { NextResponse, type NextRequest } from "next/server";
import { foreignOriginReason } from "@/lib/auth/action-origin";
import { ingressSettings } from "@/lib/ingress/settings";

/**
 * A fresh CSP nonce per page request: Next reads it from the request's CSP header and puts
 * it on its own scripts, so no inline script without it can run (XSS defence in depth). And
 * a Server Action request from any origin but the portal's is refused before the action runs
 * (lib/auth/action-origin.ts).
 * Authorization is not done here: pages and services check it themselves.
 */
export function proxy(request: NextRequest) {
  const refused = foreignOriginReason(request.method, request.headers, () => ingressSettings().portalUrl);
  if (refused) {
    return new NextResponse(refused, {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" },
    });
  }
  const nonce = btoa(crypto.randomUUID());
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes (usage bars' widths) cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
