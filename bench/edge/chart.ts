// A small SVG chart of the edge benchmark (no charting dependency for a few bars): hit
// throughput side by side, and p99 segment TTFB and stalls per audience size.
import { itemAt } from '../../shared/lang/item-at.ts';
interface Bar {
  label: string;
  edge: number;
  nginx: number;
  unit: string;
}

export function renderChart(r: {
  hitThroughput: Record<'edge' | 'nginx', Record<'segment' | 'playlist', { requestsPerSecond: number }>>;
  viewerSimulation: Record<'edge' | 'nginx', Record<string, unknown>[]>;
}): string {
  const bars: Bar[] = [
    {
      label: 'segment hits',
      edge: r.hitThroughput.edge.segment.requestsPerSecond,
      nginx: r.hitThroughput.nginx.segment.requestsPerSecond,
      unit: 'req/s',
    },
    {
      label: 'playlist hits',
      edge: r.hitThroughput.edge.playlist.requestsPerSecond,
      nginx: r.hitThroughput.nginx.playlist.requestsPerSecond,
      unit: 'req/s',
    },
    ...r.viewerSimulation.edge.map((e, i) => ({
      label: `p99 TTFB, ${e.viewers} viewers`,
      edge: e.segmentTtfbP99Ms as number,
      nginx: itemAt(r.viewerSimulation.nginx, i).segmentTtfbP99Ms as number,
      unit: 'ms',
    })),
    ...r.viewerSimulation.edge.map((e, i) => ({
      label: `stalls, ${e.viewers} viewers`,
      edge: e.stalls as number,
      nginx: itemAt(r.viewerSimulation.nginx, i).stalls as number,
      unit: '',
    })),
  ];
  const rowH = 56;
  const width = 760;
  const left = 190;
  const barMax = width - left - 120;
  const rows = bars
    .map((b, i) => {
      const max = Math.max(b.edge, b.nginx, 1e-9);
      const y = 40 + i * rowH;
      const w = (v: number) => Math.max(1, (v / max) * barMax);
      return `<text x="10" y="${y + 20}" font-size="13">${b.label}</text>
<rect x="${left}" y="${y}" width="${w(b.edge)}" height="20" fill="#0a7cff"/><text x="${left + w(b.edge) + 6}" y="${y + 15}" font-size="12">edge ${b.edge.toFixed(b.unit ? 1 : 0)} ${b.unit}</text>
<rect x="${left}" y="${y + 22}" width="${w(b.nginx)}" height="20" fill="#999"/><text x="${left + w(b.nginx) + 6}" y="${y + 37}" font-size="12">nginx ${b.nginx.toFixed(b.unit ? 1 : 0)} ${b.unit}</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${60 + bars.length * rowH}" font-family="sans-serif">
<text x="10" y="22" font-size="15" font-weight="bold">Cite TV edge vs nginx (same run, same origin)</text>
${rows}
</svg>
`;
}
