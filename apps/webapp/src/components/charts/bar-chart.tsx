'use client';

import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Bar {
  /** what the x axis and the legend call it, e.g. "#12" */
  label: string;
  value: number;
  /** a colour of the stylesheet: ok, bad or muted */
  tone: 'ok' | 'bad' | 'muted';
  /** shown beside the value in the legend, e.g. the job's status */
  note?: string;
}

export interface BarChartProps {
  /** the chart's accessible name */
  label: string;
  caption: string;
  /** the legend's name for the values, e.g. "Records" */
  seriesLabel: string;
  bars: Bar[];
  format(value: number): string;
}

// value-axis steps of 1, 2 and 5 times a power of ten: whole records, round durations (no "1 s, 1 s" from 1,000 and 1,500 ms)
const STEPS = Array.from({ length: 13 }, (_, power) => [1, 2, 5].map((m) => m * 10 ** power)).flat();

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();

/**
 * One bar per item, oldest left, coloured by its tone, drawn by uPlot (a small canvas chart
 * library); hovering a bar names it and its value in the legend below.
 */
export function BarChart({ label, caption, seriesLabel, bars, format }: BarChartProps) {
  const target = useRef<HTMLDivElement>(null);
  const formatRef = useRef(format);
  formatRef.current = format;
  // redraw only when what is drawn changes (the data polls)
  const drawn = JSON.stringify({ seriesLabel, bars });

  useEffect(() => {
    const { seriesLabel, bars } = JSON.parse(drawn) as Pick<BarChartProps, 'seriesLabel' | 'bars'>;
    let chart: uPlot | undefined;
    let cancelled = false;
    // uPlot draws on a canvas: loaded in the browser only
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !target.current) return;
      const text = getComputedStyle(target.current).color;
      const grid = cssVar('border');
      const colors = bars.map((b) => cssVar(b.tone));
      const xs = bars.map((_, i) => i);
      const options: uPlot.Options = {
        width: Math.max(260, bars.length * 44 + 80),
        height: 150,
        scales: {
          x: { time: false, range: [-0.5, bars.length - 0.5] },
          // bars stand on zero
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
        },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        axes: [
          {
            stroke: text,
            grid: { show: false },
            ticks: { stroke: grid },
            splits: () => xs,
            values: (_u, ticks) => ticks.map((t) => bars[t]?.label ?? ''),
          },
          {
            stroke: text,
            grid: { stroke: grid },
            ticks: { stroke: grid },
            size: 70,
            incrs: STEPS,
            values: (_u, ticks) => ticks.map((t) => formatRef.current(t)),
          },
        ],
        series: [
          { label: 'Job', value: (_u, x) => (x == null ? '—' : `${bars[x]?.label ?? ''} ${bars[x]?.note ?? ''}`.trim()) },
          {
            label: seriesLabel,
            width: 0,
            fill: colors[0] ?? cssVar('muted'),
            points: { show: false },
            value: (_u, v) => (v == null ? '—' : formatRef.current(v)),
            paths: UPlot.paths.bars!({
              size: [0.6, 36],
              radius: 0.15,
              // one colour per bar: Color unit, discrete values (uPlot's const enums, by value)
              disp: {
                fill: {
                  unit: 3 as uPlot.Series.BarsPathBuilderFacetUnit,
                  kind: 2 as uPlot.Series.BarsPathBuilderFacetKind,
                  values: () => colors,
                },
              },
            }),
          },
        ],
      };
      chart = new UPlot(options, [xs, bars.map((b) => b.value)], target.current);
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [drawn]);

  return (
    <figure className="card chart" style={{ margin: 0 }}>
      <figcaption className="small muted">{caption}</figcaption>
      <div role="img" aria-label={label} ref={target} />
      {/* the canvas says nothing to a screen reader: the same figures as a table for it */}
      <div className="visually-hidden">
        <table>
          <caption>{label}, as a table</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">{seriesLabel}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((b) => (
              <tr key={b.label}>
                <td>{`${b.label} ${b.note ?? ''}`.trim()}</td>
                <td>{format(b.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
