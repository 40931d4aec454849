import { json } from "@/lib/api/respond";
import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-static";

export function GET() {
  return json(openApiDocument());
}
