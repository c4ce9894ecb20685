import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart } from './svg-chart.js';

/** The vertices of each polyline, as numbers. */
function polylines(svg: string): { series: string; points: [number, number][] }[] {
  return [...svg.matchAll(/<polyline data-series="([^"]*)" points="([^"]*)"/g)].map((m) => ({
    series: m[1]!,
    points: m[2]!.split(' ').filter(Boolean).map((p) => p.split(',').map(Number) as [number, number]),
  }));
}

test('lineChart: one vertex per point, x and y extremes on the plot box edges, y upwards', () => {
  const svg = lineChart([{ name: 'a', points: [[1, 10], [2, 30], [3, 20]] }, { name: 'b', points: [[1, 25], [4, 12]] }], { title: 't', xLabel: 'epoch' });
  const [a, b] = polylines(svg);
  assert.equal(a!.points.length, 3);
  assert.equal(b!.points.length, 2);
  const xs = [...a!.points, ...b!.points].map((p) => p[0]), ys = [...a!.points, ...b!.points].map((p) => p[1]);
  const box = /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number) as [number, number, number, number];
  assert.equal(Math.min(...xs), box[0]); // x = 1
  assert.equal(Math.max(...xs), box[0] + box[2]); // x = 4
  assert.equal(Math.min(...ys), box[1]); // the largest y (30) at the top
  assert.ok(a!.points[1]![1] < a!.points[2]![1], 'y 30 is drawn above y 20');
});

test('lineChart: non-finite values are left out and the legend says how many; names are escaped', () => {
  const svg = lineChart([{ name: '<run & co>', points: [[1, 0.5], [2, NaN], [3, Infinity], [4, 0.25]] }], { title: 'loss', xLabel: 'epoch' });
  assert.equal(polylines(svg)[0]!.points.length, 2);
  assert.match(svg, /&lt;run &amp; co&gt; \(2 left out: not finite\)/);
  assert.doesNotMatch(svg, /NaN|Infinity/);
});

test('lineChart: a log axis leaves out values <= 0 and ticks at powers of ten', () => {
  const svg = lineChart([{ name: 'lr', points: [[1, 1e-2], [2, 1e-3], [3, 1e-5], [4, 0]] }], { title: 'lr', xLabel: 'epoch', logY: true });
  assert.equal(polylines(svg)[0]!.points.length, 3);
  assert.match(svg, /\(1 left out: not finite or ≤ 0\)/);
  for (const t of ['0.01', '0.001', '1e-4', '1e-5']) assert.ok(svg.includes(`>${t}</text>`), `tick ${t}`);
});

test('lineChart: nothing to draw is said, not drawn', () => {
  const svg = lineChart([{ name: 'a', points: [[1, NaN]] }], { title: 't', xLabel: 'x' });
  assert.match(svg, /no values to draw/);
  assert.equal(polylines(svg).length, 0);
});

test('lineChart: a log axis within a decade or two ticks at 1-2-5, 1-2-3-5 or 1, 1.5, 2, 3, ... times powers of ten, a narrower one linearly', () => {
  const yTicks = (svg: string) => [...svg.matchAll(/text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
  const chart = (lo: number, hi: number) => lineChart([{ name: 'perplexity', points: [[1, hi], [2, lo]] }], { title: 'p', xLabel: 'epoch', logY: true });
  assert.deepEqual(yTicks(chart(0.02, 0.9)), ['0.02', '0.05', '0.1', '0.2', '0.5']);
  assert.deepEqual(yTicks(chart(1.6, 8.2)), ['2', '3', '5']);
  assert.deepEqual(yTicks(chart(72, 336)), ['100', '200', '300']);
  assert.deepEqual(yTicks(chart(111, 336)), ['150', '200', '300']);
  assert.deepEqual(yTicks(chart(117, 121)), ['117', '118', '119', '120', '121']);
  const [a] = polylines(chart(117, 121));
  assert.ok(a!.points[0]![1] < a!.points[1]![1], '121 is drawn above 117');
});
