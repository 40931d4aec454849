import { authedRoute } from "@/lib/api/route";
import { notFound } from "@/lib/errors";
import { ingressInfo } from "@/lib/services/ingress";

/** The internal CA's root as a file a browser or OS can import (the UI's download link). */
export const GET = authedRoute(async (actor) => {
  const { caCertificate } = await ingressInfo(actor);
  if (!caCertificate) throw notFound("Internal CA certificate");
  return new Response(caCertificate, {
    headers: {
      "Content-Type": "application/x-pem-file",
      "Content-Disposition": 'attachment; filename="berth-root-ca.crt"',
      "Cache-Control": "no-store",
    },
  });
});
