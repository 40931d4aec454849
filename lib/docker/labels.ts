/** The labels Berth puts on everything it creates (control O1), and how to filter by them. */
export const LABEL = {
  managed: "berth.managed",
  tenant: "berth.tenant",
  id: "berth.id",
  role: "berth.role",
  test: "berth.test",
} as const;

export function tenantFilter(tenantId: string): { label: string[] } {
  return { label: [`${LABEL.managed}=true`, `${LABEL.tenant}=${tenantId}`] };
}

/** True when an object's labels say Berth manages it for this tenant. */
export function belongsTo(labels: Record<string, string> | null | undefined, tenantId: string): boolean {
  return labels?.[LABEL.managed] === "true" && labels?.[LABEL.tenant] === tenantId;
}

/** Marks what integration tests create so their cleanup finds it (set by the test setup). */
export function testLabels(): Record<string, string> {
  const run = process.env.BERTH_TEST_RUN_ID;
  return run ? { [LABEL.test]: run } : {};
}
