import { formatAmount, unitOf } from "@/lib/quota/format";
import { ratio } from "@/lib/quota/pressure";
import { LIMITS, type Quota, type Usage } from "@/lib/quota/quota";

/**
 * Usage against quota, one bar per limit. Over a limit (possible after an admin lowered the
 * quota) the bar turns red and says so in text, not only in colour. `compact` is the admin
 * list's form: smaller, two limits per line.
 */
export function UsageBars({ quota, used, compact = false }: { quota: Quota; used: Usage; compact?: boolean }) {
  return (
    <div className={compact ? "usage-bars compact" : "usage-bars"}>
      {LIMITS.map((spec) => {
        const u = used[spec.used];
        const limit = quota[spec.limit];
        const over = u > limit;
        const width = Math.min(100, ratio(u, limit) * 100);
        const text = `${formatAmount(spec, u)} of ${formatAmount(spec, limit)}${unitOf(spec)}`;
        return (
          <div key={spec.used} className={over ? "usage over" : "usage"}>
            <div className="usage-head">
              <span className="usage-label">{spec.label}</span>
              <span className="tabular">
                {text}
                {over && <strong> · over quota</strong>}
              </span>
            </div>
            <div className={over ? "bar over" : "bar"} aria-hidden="true">
              <span style={{ width: `${width}%` }} />
            </div>
          </div>
        );
      })}
    </div>
  );
}
