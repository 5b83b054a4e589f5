export interface ChartSeries {
  readonly name: string;
  readonly colour: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
}

const width = 720;
const height = 440;
const margin = { left: 80, right: 230, top: 40, bottom: 60 };

/** A line chart with logarithmic axes, as a standalone SVG document. */
export function logLogChart({ title, xLabel, yLabel, series }: ChartOptions): string {
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const [xMin, xMax] = decades(Math.min(...xs), Math.max(...xs));
  const [yMin, yMax] = decades(Math.min(...ys), Math.max(...ys));
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (value: number) => margin.left + ((Math.log10(value) - xMin) / (xMax - xMin)) * plotWidth;
  const y = (value: number) => margin.top + plotHeight - ((Math.log10(value) - yMin) / (yMax - yMin)) * plotHeight;

  const parts: string[] = [];
  for (let power = xMin; power <= xMax; power++) {
    const px = x(10 ** power);
    parts.push(`<line x1="${px}" y1="${margin.top}" x2="${px}" y2="${margin.top + plotHeight}" stroke="#ddd"/>`);
    parts.push(`<text x="${px}" y="${margin.top + plotHeight + 18}" text-anchor="middle">${label(10 ** power)}</text>`);
  }
  for (let power = yMin; power <= yMax; power++) {
    const py = y(10 ** power);
    parts.push(`<line x1="${margin.left}" y1="${py}" x2="${margin.left + plotWidth}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${py + 4}" text-anchor="end">${label(10 ** power)}</text>`);
  }
  series.forEach((s, index) => {
    const path = s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${path}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    for (const [px, py] of s.points) parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${s.colour}"/>`);
    const ly = margin.top + 10 + index * 22;
    const lx = margin.left + plotWidth + 16;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 30}" y="${ly + 4}">${escape(s.name)}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="24" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
    ...parts,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 16}" text-anchor="middle">${escape(xLabel)} (log)</text>`,
    `<text transform="translate(20 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)} (log)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function decades(min: number, max: number): [number, number] {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  return [low, high === low ? high + 1 : high];
}

function label(value: number): string {
  return value >= 1 ? value.toLocaleString('en-US') : String(value);
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
}
