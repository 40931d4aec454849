/** "3 hours ago", with the exact time on hover (ui.md). Rendered on the server. */
export function RelativeTime({ iso, now = Date.now() }: { iso: string | null; now?: number }) {
  if (!iso) return <span className="muted">never</span>;
  const then = new Date(iso);
  const seconds = Math.round((then.getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
    ["second", 1],
  ];
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ["second", 1];
  return (
    <time dateTime={iso} title={then.toUTCString()}>
      {rtf.format(Math.round(seconds / size), unit)}
    </time>
  );
}
