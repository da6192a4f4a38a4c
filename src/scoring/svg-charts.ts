// Inline SVG charts for the HTML report: the ROC curve and the score distribution of goods and bads.
import type { ScoreHistogram } from "./evaluation.ts";

const width = 420;
const height = 320;
const margin = 40;

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function coordinate(value: number): string {
  return value.toFixed(1);
}

export function rocSvg(
  roc: { readonly false_positive_rate: readonly number[]; readonly true_positive_rate: readonly number[] },
  caption: string,
): string {
  const plot = width - 2 * margin;
  const x = (rate: number) => margin + rate * plot;
  const y = (rate: number) => height - margin - rate * (height - 2 * margin);
  const points = roc.false_positive_rate
    .map((fpr, index) => `${coordinate(x(fpr))},${coordinate(y(roc.true_positive_rate[index] ?? 0))}`)
    .join(" ");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="ROC curve">`,
    `<rect x="${margin}" y="${margin}" width="${plot}" height="${height - 2 * margin}" fill="#fff" stroke="#999"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#bbb" stroke-dasharray="4 4"/>`,
    `<polyline points="${points}" fill="none" stroke="#1f5fa8" stroke-width="2"/>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="12">false positive rate (goods declined)</text>`,
    `<text x="12" y="${height / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 12 ${height / 2})">true positive rate (bads caught)</text>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="13">${escapeHtml(caption)}</text>`,
    "</svg>",
  ].join("");
}

export function histogramSvg(histogram: ScoreHistogram, caption: string): string {
  const bands = histogram.lower_edges.length;
  const plot_width = width - 2 * margin;
  const plot_height = height - 2 * margin;
  const tallest = Math.max(1, ...histogram.goods, ...histogram.bads);
  const band_width = plot_width / Math.max(1, bands);
  const bars: string[] = [];
  histogram.lower_edges.forEach((edge, band) => {
    const left = margin + band * band_width;
    const good = ((histogram.goods[band] ?? 0) / tallest) * plot_height;
    const bad = ((histogram.bads[band] ?? 0) / tallest) * plot_height;
    const half = band_width / 2;
    bars.push(
      `<rect x="${coordinate(left)}" y="${coordinate(height - margin - good)}" width="${coordinate(half)}" height="${coordinate(good)}" fill="#4c9a5b"><title>${edge}: ${histogram.goods[band]} good</title></rect>`,
      `<rect x="${coordinate(left + half)}" y="${coordinate(height - margin - bad)}" width="${coordinate(half)}" height="${coordinate(bad)}" fill="#c0392b"><title>${edge}: ${histogram.bads[band]} bad</title></rect>`,
    );
  });
  const first = histogram.lower_edges[0] ?? 0;
  const last = (histogram.lower_edges.at(-1) ?? 0) + histogram.band_width;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="score distribution">`,
    `<rect x="${margin}" y="${margin}" width="${plot_width}" height="${plot_height}" fill="#fff" stroke="#999"/>`,
    ...bars,
    `<text x="${margin}" y="${height - margin + 14}" font-size="11">${first}</text>`,
    `<text x="${width - margin}" y="${height - margin + 14}" font-size="11" text-anchor="end">${last}</text>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="12">score (bands of ${histogram.band_width}); green good, red bad</text>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="13">${escapeHtml(caption)}</text>`,
    "</svg>",
  ].join("");
}
