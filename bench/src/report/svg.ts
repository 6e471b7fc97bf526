import { type BenchResults, isSkipped } from '../results.ts';

/**
 * Hand-built SVG: fan-out latency percentiles (p50 dashed, p95 dotted, p99 solid) against the
 * delivered rate, one colour per server. Both axes are logarithmic (rates and latencies span
 * orders of magnitude).
 */
const COLORS: Record<string, string> = { charla: '#d9480f', socketio: '#1971c2', ws: '#2f9e44' };
const W = 860;
const H = 480;
const M = { left: 70, right: 200, top: 40, bottom: 56 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart(r: BenchResults): string {
  const f = r.sections.fanout;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${M.left}" y="22" font-size="15" font-weight="bold">Fan-out latency vs delivered rate (${esc(r.machine.cpuModel)}, ${r.machine.cores} cores, git ${r.machine.gitSha})</text>`;
  if (!f || isSkipped(f) || f.targets.every((t) => t.steps.length === 0))
    return `${head}<text x="${M.left}" y="80">fan-out section not measured</text></svg>\n`;
  const points = f.targets.flatMap((t) => t.steps.filter((s) => s.latency.n > 0));
  const xs = points.map((p) => p.deliveriesPerSec).filter((x) => x > 0);
  const ys = points.flatMap((p) => [p.latency.p50, p.latency.p99]).filter((y) => y > 0);
  const x0 = Math.min(...xs) / 1.25;
  const x1 = Math.max(...xs) * 1.25;
  const y0 = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...ys))));
  const y1 = 10 ** Math.ceil(Math.log10(Math.max(...ys, 100)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) =>
    M.left + ((Math.log10(Math.max(x, x0)) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * pw;
  const sy = (y: number) =>
    M.top + ph - ((Math.log10(Math.max(y, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * ph;
  const out: string[] = [head];
  // Grid and axes.
  for (let d = 10 ** Math.floor(Math.log10(x0)); d <= x1; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v < x0 || v > x1) continue;
      out.push(`<line x1="${sx(v)}" y1="${M.top}" x2="${sx(v)}" y2="${M.top + ph}" stroke="#eee"/>`);
      out.push(
        `<text x="${sx(v)}" y="${M.top + ph + 16}" text-anchor="middle" fill="#555">${v.toLocaleString('en')}</text>`,
      );
    }
  }
  for (let d = y0; d <= y1; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v > y1) break;
      out.push(`<line x1="${M.left}" y1="${sy(v)}" x2="${M.left + pw}" y2="${sy(v)}" stroke="#eee"/>`);
      out.push(`<text x="${M.left - 6}" y="${sy(v) + 4}" text-anchor="end" fill="#555">${v}</text>`);
    }
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">deliveries per second (log)</text>`);
  out.push(
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">latency, ms (log)</text>`,
  );
  // Budget line: 25 ms p99.
  if (25 > y0 && 25 < y1)
    out.push(
      `<line x1="${M.left}" y1="${sy(25)}" x2="${M.left + pw}" y2="${sy(25)}" stroke="#c92a2a" stroke-dasharray="2 4"/><text x="${M.left + 4}" y="${sy(25) - 4}" fill="#c92a2a">p99 budget 25 ms</text>`,
    );
  const styles = [
    { key: 'p50', dash: '6 4', width: 1.5 },
    { key: 'p95', dash: '2 3', width: 1.5 },
    { key: 'p99', dash: '', width: 2.5 },
  ] as const;
  let ly = M.top + 10;
  for (const t of f.targets) {
    const color = COLORS[t.kind] ?? '#333';
    const steps = t.steps.filter((s) => s.latency.n > 0);
    for (const st of styles) {
      const pts = steps.map((s) => `${sx(s.deliveriesPerSec).toFixed(1)},${sy(s.latency[st.key]).toFixed(1)}`);
      if (pts.length > 1)
        out.push(
          `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
        );
      for (const s of steps)
        out.push(
          `<circle cx="${sx(s.deliveriesPerSec).toFixed(1)}" cy="${sy(s.latency[st.key]).toFixed(1)}" r="${st.key === 'p99' ? 3.5 : 2.5}" fill="${s.sustained ? color : '#fff'}" stroke="${color}"><title>${esc(t.label)} ${s.rate} msgs/s: ${st.key} ${s.latency[st.key]} ms at ${s.deliveriesPerSec} deliveries/s</title></circle>`,
        );
    }
    out.push(`<rect x="${M.left + pw + 16}" y="${ly - 9}" width="12" height="12" fill="${color}"/>`);
    out.push(`<text x="${M.left + pw + 34}" y="${ly + 1}">${esc(t.label)}</text>`);
    ly += 20;
  }
  ly += 10;
  for (const st of styles) {
    out.push(
      `<line x1="${M.left + pw + 16}" y1="${ly - 4}" x2="${M.left + pw + 44}" y2="${ly - 4}" stroke="#333" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
    );
    out.push(`<text x="${M.left + pw + 50}" y="${ly}">${st.key}</text>`);
    ly += 18;
  }
  out.push(`<text x="${M.left + pw + 16}" y="${ly + 8}" fill="#555">hollow = step not sustained</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
