import type { Summary } from "./stats";

/** The table `npm run bench` prints and docs/benchmarks.md carries: one row per figure. */

export interface Row {
  item: string;
  figure: string;
  portal: string;
  raw: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

const ms = (s: Summary) => `${s.median.toFixed(1)} / ${s.p95.toFixed(1)} ms`;

export function timingRow(
  item: string,
  figure: string,
  portal: Summary,
  raw: Summary | null,
  target: string,
  met: boolean | null,
  ratio?: number,
): Row {
  return { item, figure, portal: ms(portal), raw: raw ? ms(raw) : "—", ratio: ratio === undefined ? "—" : ratio.toFixed(2), target, met };
}

export function valueRow(item: string, figure: string, value: string, target: string, met: boolean | null, raw = "—"): Row {
  return { item, figure, portal: value, raw, ratio: "—", target, met };
}

export function markdownTable(rows: Row[]): string {
  const head = "| # | figure | portal (median / p95) | raw daemon (median / p95) | ratio | target | met? |\n|---|---|---|---|---|---|---|";
  const lines = rows.map(
    (r) => `| ${r.item} | ${r.figure} | ${r.portal} | ${r.raw} | ${r.ratio} | ${r.target} | ${r.met === null ? "—" : r.met ? "yes" : "**no**"} |`,
  );
  return [head, ...lines].join("\n");
}
