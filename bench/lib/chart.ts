/**
 * The engine-scaling chart as a self-contained SVG: milliseconds per operation against branch
 * size, both axes logarithmic, one line per operation.
 */
import type { ScalingSeries } from "./record.js";

const W = 720;
const H = 420;
const M = { left: 70, right: 210, top: 40, bottom: 50 };
const COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function scalingChart(series: readonly ScalingSeries[]): string {
  const points = series.flatMap((s) => s.points);
  const sizes = points.map((p) => Math.log10(p.size));
  const times = points.map((p) => Math.log10(Math.max(p.ms, 0.01)));
  const [x0, x1] = [Math.floor(Math.min(...sizes)), Math.ceil(Math.max(...sizes))];
  const [y0, y1] = [Math.floor(Math.min(...times)), Math.ceil(Math.max(...times))];
  const x = (size: number) =>
    M.left + ((Math.log10(size) - x0) / Math.max(1, x1 - x0)) * (W - M.left - M.right);
  const y = (ms: number) =>
    H -
    M.bottom -
    ((Math.log10(Math.max(ms, 0.01)) - y0) / Math.max(1, y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="14" font-weight="bold">Engine scaling: time per operation vs branch size</text>`,
  ];
  for (let e = x0; e <= x1; e++) {
    const px = x(10 ** e);
    out.push(`<line x1="${px}" y1="${M.top}" x2="${px}" y2="${H - M.bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${px}" y="${H - M.bottom + 18}" text-anchor="middle">10^${e}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const py = y(10 ** e);
    out.push(`<line x1="${M.left}" y1="${py}" x2="${W - M.right}" y2="${py}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 8}" y="${py + 4}" text-anchor="end">${10 ** e} ms</text>`);
  }
  out.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">objects in branch</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const path = s.points.map((p) => `${x(p.size).toFixed(1)},${y(p.ms).toFixed(1)}`).join(" ");
    // Series measured below the engine (the tree alone) are dashed.
    const dash = s.operation.startsWith("tree:") ? ' stroke-dasharray="6,3"' : "";
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${x(p.size).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="3" fill="${color}"/>`,
      );
    }
    const ly = M.top + 10 + i * 20;
    out.push(
      `<line x1="${W - M.right + 15}" y1="${ly}" x2="${W - M.right + 35}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
    );
    out.push(`<text x="${W - M.right + 40}" y="${ly + 4}">${esc(s.operation)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
