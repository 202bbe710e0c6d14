// Bar charts in SVG, built with createElementNS: horizontal bars, one row per label, stacked
// by key when there are several keys. Colours come from classes in css/staff.css (k0, k1…).
// The numbers always appear in a table beside the chart too.

import { formatNumber, getLang } from "../i18n/labels.js";
import { niceMax, scale, stack, ticks } from "../lib/chart-scale.js";
import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
// The drawing's coordinate width: on a 360-px phone it shows near 1:1, so 12-unit text stays
// legible; css/staff.css caps its width on a desktop.
const WIDTH = 320;
const LABEL = 16; // the row's label line
const BAR = 16;
const GAP = 12;
const ROW = LABEL + BAR + GAP;
const AXIS = 22;
const TOTAL_ROOM = 44; // right of the longest bar, for its total

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  for (const child of children) if (child) el.append(child);
  return el;
}

function text(attrs, content) {
  const el = svg("text", attrs);
  el.textContent = content;
  return el;
}

/** A tooltip: the <title> child of a shape. */
function tip(content) {
  const el = svg("title");
  el.textContent = content;
  return el;
}

/**
 * A bar chart: rows of {label, values: {key: n}}, stacked in the order of keys; legend labels
 * by key. One key draws plain bars.
 * @param {{title: string, rows: {label: string, values: Record<string, number>, id?: any}[],
 *   keys: string[], keyLabel: (key: string) => string, testid?: string}} spec
 */
export function barChart(spec) {
  const lang = getLang();
  const n = (v) => formatNumber(v, lang);
  const stacks = spec.rows.map((row) => ({ row, ...stack(row.values, spec.keys) }));
  const top = niceMax(Math.max(0, ...stacks.map((s) => s.total)));
  const length = WIDTH - TOTAL_ROOM;
  const height = stacks.length * ROW + AXIS;
  const grid = ticks(top).map((tick) => {
    const x = scale(tick, top, length);
    return svg("g", { class: "tick" },
      svg("line", { x1: x, x2: x, y1: 0, y2: height - AXIS + 4 }),
      text({ x, y: height - 6, "text-anchor": tick === 0 ? "start" : "middle" }, n(tick)));
  });
  const rows = stacks.map(({ row, segments, total }, i) => {
    const y = i * ROW;
    return svg("g", { class: "bar-row", "data-label": row.label, "data-total": total, "data-id": row.id },
      text({ x: 0, y: y + LABEL - 4, class: "bar-label" }, row.label),
      ...segments.map((s) => svg("rect", {
        class: `k${spec.keys.indexOf(s.key)}`, "data-key": s.key, "data-value": s.value,
        x: scale(s.start, top, length), y: y + LABEL, width: Math.max(1, scale(s.value, top, length)), height: BAR,
      }, tip(`${spec.keyLabel(s.key)}: ${n(s.value)}`))),
      text({ x: scale(total, top, length) + 4, y: y + LABEL + BAR - 3, class: "bar-total" }, n(total)));
  });
  const chart = svg("svg", {
    class: "chart", viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": spec.title,
    "data-testid": spec.testid, "data-max": top,
  }, svg("g", { class: "grid" }, ...grid), ...rows);
  const legend = spec.keys.length > 1 ? h("ul", { class: "legend" }, spec.keys.map((key, i) =>
    h("li", null, h("i", { class: `swatch k${i}` }), spec.keyLabel(key)))) : "";
  return h("figure", { class: "figure" }, h("figcaption", { class: "label", text: spec.title }), chart, legend);
}
