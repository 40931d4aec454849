import { z } from "zod";

/** GET /api/v1/ingress (api-v1.md "Ingress"). */
export const ingressSchema = z
  .object({
    appsDomain: z.string(),
    portalUrl: z.string(),
    httpsPort: z.int(),
    tls: z.enum(["internal", "acme"]),
    caCertificate: z.string().optional(),
  })
  .meta({ id: "Ingress" });
