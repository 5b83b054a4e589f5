import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DashboardData, LineData, PanelData } from '../dashboard-data.js';

/** The page: one card per panel, a chart of its lines and a table of their totals, refreshed every second. */
const refreshMs = 1_000;
const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#be185d'];

interface Card {
  readonly element: HTMLElement;
  readonly table: HTMLTableSectionElement;
  chart: uPlot | undefined;
  /** The labels the chart was made for: a new line (a new reason, a new function) remakes it. */
  drawn: string;
}

const container = document.querySelector<HTMLElement>('#panels')!;
const awsOnlyList = document.querySelector<HTMLElement>('#aws-only ul')!;
const status = document.querySelector<HTMLElement>('#status')!;
const cards = new Map<string, Card>();

function formatted(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return value.toLocaleString('en', { maximumFractionDigits: 1 });
}

/** A panel of AWS metrics only: a line in the list at the end, no chart, no numbers. */
function listAwsOnly(panel: PanelData): void {
  if (awsOnlyList.querySelector(`[data-panel="${CSS.escape(panel.title)}"]`)) return;
  const item = document.createElement('li');
  item.dataset['panel'] = panel.title;
  const title = document.createElement('b');
  title.textContent = panel.title;
  item.append(title, `: ${panel.awsOnly.join(', ')}`);
  awsOnlyList.append(item);
}

function cardFor(panel: PanelData): Card {
  const existing = cards.get(panel.title);
  if (existing) return existing;
  const element = document.createElement('section');
  element.className = 'panel';
  element.dataset['panel'] = panel.title;
  const heading = document.createElement('h2');
  heading.textContent = panel.title;
  const scope = document.createElement('span');
  scope.className = 'scope';
  scope.textContent = panel.scope === 'local' ? 'local runtime only' : 'also on CloudWatch';
  heading.append(scope);
  element.append(heading);
  const table = document.createElement('table');
  const body = table.createTBody();
  element.append(document.createElement('div'), table);
  if (panel.awsOnly.length > 0) {
    const note = document.createElement('p');
    note.className = 'aws-only';
    note.textContent = `On AWS only (CloudWatch dashboard): ${panel.awsOnly.join(', ')}.`;
    element.append(note);
  }
  container.append(element);
  const card: Card = { element, table: body, chart: undefined, drawn: '' };
  cards.set(panel.title, card);
  return card;
}

/** How far back the charts look: every chart has the same time axis. */
const windowSeconds = 300;

/** The lines on one time axis, a point a second: counts that had no bucket were 0; other statistics had no value. */
function alignedData(lines: readonly LineData[], data: DashboardData): uPlot.AlignedData {
  const now = Math.floor(data.now / 1000);
  const first = Math.max(Math.floor(data.startedAt / 1000), now - windowSeconds);
  const xs = Array.from({ length: now - first + 1 }, (_, index) => first + index);
  const ys = lines.map((line) => {
    const bySecond = new Map(line.points.map(([second, value]) => [second, value]));
    return xs.map((second) => bySecond.get(second) ?? (line.statistic === 'Sum' ? 0 : null));
  });
  return [xs, ...ys];
}

function draw(card: Card, panel: PanelData, data: DashboardData): void {
  const chartHost = card.element.querySelector('div')!;
  const labels = panel.lines.map((line) => line.label).join('\n');
  const aligned = alignedData(panel.lines, data);
  if (!card.chart || card.drawn !== labels) {
    card.chart?.destroy();
    card.chart = new uPlot(
      {
        width: Math.max(300, chartHost.clientWidth || card.element.clientWidth - 16),
        height: 160,
        legend: { show: false },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max)] } },
        series: [
          {},
          ...panel.lines.map((line, index) => ({
            label: line.label,
            stroke: palette[index % palette.length]!,
            width: 1.5,
            // Counts have a point every second; a lone value of another statistic shows as a dot.
            ...(line.statistic === 'Sum' ? { points: { show: false } } : {}),
          })),
        ],
      },
      aligned,
      chartHost,
    );
    card.drawn = labels;
  } else {
    card.chart.setData(aligned);
  }
  card.table.replaceChildren(
    ...panel.lines.map((line, index) => {
      const row = document.createElement('tr');
      row.dataset['metric'] = line.metric;
      row.dataset['statistic'] = line.statistic;
      const swatch = document.createElement('td');
      swatch.textContent = '■';
      swatch.style.color = palette[index % palette.length]!;
      const label = document.createElement('td');
      label.textContent = line.label;
      const total = document.createElement('td');
      total.className = 'value';
      total.dataset['total'] = String(line.total);
      total.textContent = `${formatted(line.total)} ${line.statistic === 'Sum' ? 'in all' : line.statistic.toLowerCase()}`;
      row.append(swatch, label, total);
      return row;
    }),
  );
}

async function refresh(): Promise<void> {
  try {
    const response = await fetch('/dashboard/data', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = (await response.json()) as DashboardData;
    for (const panel of data.panels) {
      if (panel.lines.length === 0) listAwsOnly(panel);
      else draw(cardFor(panel), panel, data);
    }
    status.className = '';
    status.textContent = `Updated ${new Date(data.now).toLocaleTimeString()}; up ${Math.round((data.now - data.startedAt) / 1000)} s.`;
    document.body.dataset['updated'] = String(data.now);
  } catch (error) {
    status.className = 'stale';
    status.textContent = `Cannot reach the server (${(error as Error).message}): is npm start still running? Retrying.`;
  }
}

await refresh();
setInterval(() => void refresh(), refreshMs);
