// A uPlot time chart. uPlot draws on a canvas and sizes itself from JS
// (element.style, which the Content-Security-Policy allows); the figure
// carries a text summary for screen readers.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { filled } from '../lib/series.js';

const HEIGHT = 220;

function options(width, series, yLabel) {
  return {
    width,
    height: HEIGHT,
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } }))],
    axes: [{ stroke: '#333' }, { label: yLabel, stroke: '#333' }],
    scales: { x: { time: true } },
    legend: { show: false },
    cursor: { show: true },
  };
}

// data: [[t...], [y1...], ...]; series: [{ label, color, swatch }] where
// swatch is the CSS class painting the legend's square in the same colour
export function Chart({ id, title, data, series, yLabel, summary }) {
  const box = useRef(null);
  const plot = useRef(null);

  useEffect(() => {
    const el = box.current;
    plot.current = new uPlot(options(el.clientWidth || 600, series, yLabel), data, el);
    let width = el.clientWidth;
    const ro = new ResizeObserver(() => {
      if (el.clientWidth && el.clientWidth !== width) {
        width = el.clientWidth;
        plot.current.setSize({ width, height: HEIGHT });
      }
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    if (plot.current) plot.current.setData(data);
  }, [data]);

  const points = data[0].length;
  const values = data.slice(1).reduce((n, col) => n + filled(col), 0);
  return html`<figure class="chart" id=${id} data-points=${points} data-values=${values}>
    <figcaption>${title}</figcaption>
    <div class="chart-plot" ref=${box} role="img" aria-label=${`${title}: ${summary}`}></div>
    <ul class="chart-legend">
      ${series.map((s) => html`<li><span class=${`swatch ${s.swatch}`} aria-hidden="true"></span>${s.label}</li>`)}
    </ul>
    <p class="chart-summary">${summary}</p>
  </figure>`;
}
