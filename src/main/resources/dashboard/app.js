// grokscope's live dashboard. One page, four views (home, run, sweep, compare), routed by the URL's hash. Data arrive as a
// snapshot (GET /api/...) and then as events on one EventSource per view: new metric rows from the row the page has,
// status changes, new runs, the CDS estimate as it stands. Every value from a file is written with textContent or
// as a chart value, never parsed as markup; the server's Content-Security-Policy allows only this script.
'use strict';

const state = {
  xlog: true,          // grokking is read on log steps
  smooth: 0,           // EMA weight, TensorBoard-style, debiased
  sweepMetric: 'test_acc',
  colorBy: null,
  selected: new Set(), // sweep runs chosen to overlay
  onlySelected: false,
  picked: new Set(),   // runs chosen on the home page to compare
  sortBy: null,        // sweep run table: column key and direction (1 up, -1 down), and a filter text
  sortDir: 1,
  filter: '',
  groupSeeds: false,   // compare view: runs that differ only by seed as one mean curve with a min–max band
};
let source = null;     // the open EventSource
let charts = [];       // the view's charts, resized and redrawn together
let view = null;       // the view's live handlers

// ---- DOM helpers: text only ------------------------------------------------------------------------------------

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
const $ = (sel) => document.querySelector(sel);
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function link(href, text) { return el('a', { href }, text); }
const runHref = (id) => '#/run/' + encodeURIComponent(id);
const sweepHref = (id) => '#/sweep/' + encodeURIComponent(id);
const fileHref = (id) => '/files?id=' + encodeURIComponent(id);

function fmt(v, digits) {
  if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '–';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(digits || 4);
}
// an axis tick: short, exponents for the very small and large; on a log axis only 1, 2 and 5 times a power of ten
function tick(v, log) {
  if (v === null || v === undefined) return '';
  if (log) { const m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9)); if (![1, 2, 5].some((k) => Math.abs(m - k) < 1e-6)) return ''; }
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}
const pct = (v) => (v === null || v === undefined) ? '–' : (100 * v).toFixed(1) + '%';
function duration(s) {
  if (s === null || s === undefined || !isFinite(s)) return '–';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(x).padStart(2, '0')}` : `${m}:${String(x).padStart(2, '0')}`;
}
function badge(text) { const t = String(text || 'unknown'); return el('span', { class: 'badge ' + t.replace(/[^a-z_]/g, '') }, t.replace(/_/g, ' ')); }
function bar(f) { return el('span', { class: 'bar', title: pct(f) }, el('span', { style: null }, null)); }
function setBar(b, f) { b.firstChild.style.width = Math.max(0, Math.min(100, 100 * (f || 0))) + '%'; b.title = pct(f); return b; }

// the server's refusal of a request (its message is for the reader), as opposed to an error in the page's own code
class ApiError extends Error {}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new ApiError((await r.text()).trim() || r.statusText);
  return r.json();
}

function setLive(on, text) { const l = $('#live'); l.classList.toggle('off', !on); l.textContent = text || (on ? 'live' : 'offline'); }

function listen(token, handlers, reconnect) {
  if (source) source.close();
  const es = new EventSource('/api/events?watch=' + encodeURIComponent(token));
  source = es;
  es.onopen = () => setLive(true);
  for (const [name, fn] of Object.entries(handlers)) es.addEventListener(name, (e) => fn(JSON.parse(e.data)));
  es.onerror = () => {
    // the server went away or restarted: fetch a fresh snapshot (a new watch) in a moment, without reloading the page
    setLive(false);
    es.close();
    if (source === es) { source = null; setTimeout(() => { if (!source) reconnect(); }, 2000); }
  };
}

// ---- charts (uPlot) --------------------------------------------------------------------------------------------

const PALETTE = ['#2f6fdb', '#e0572b', '#1e8a4c', '#8b5cf6', '#d97706', '#0891b2', '#be185d', '#4d7c0f', '#6b7280', '#b45309'];
// viridis at 6 stops, for numeric axes
const VIRIDIS = [[68, 1, 84], [65, 68, 135], [42, 120, 142], [34, 168, 132], [122, 209, 81], [253, 231, 37]];
function viridis(t) {
  t = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return `rgb(${a.map((x, k) => Math.round(x + f * (b[k] - x))).join(',')})`;
}

// debiased EMA over the non-null values, as TensorBoard's slider
function smooth(ys, w) {
  if (!w) return ys;
  const out = new Array(ys.length);
  let last = 0, n = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !isFinite(y)) { out[i] = y; continue; }
    last = last * w + (1 - w) * y;
    n++;
    out[i] = last / (1 - Math.pow(w, n));
  }
  return out;
}

/**
 * A chart of series over steps. spec: {key, title, series: [{label, color, width}], ylog, markers: () => [{step, label}],
 * many: bool (sweep overlays: no legend, a read-out of the nearest series)}. data: [xs, ys1, ys2, ...].
 */
class Chart {
  constructor(parent, spec) {
    this.spec = spec;
    this.ylog = !!spec.ylog;
    this.data = [[]];
    this.zoomed = null;
    this.box = el('div', { class: 'chart' + (spec.wide ? ' wide' : ''), dataset: { chart: spec.key, points: '0' } });
    const ylogBtn = el('button', { type: 'button', title: 'linear or log y axis', onclick: () => { this.ylog = !this.ylog; ylogBtn.textContent = this.ylog ? 'y: log' : 'y: linear'; this.rebuild(); } },
      this.ylog ? 'y: log' : 'y: linear');
    const pngBtn = el('button', { type: 'button', class: 'png', title: 'save the chart as a PNG image', onclick: () => this.png() }, 'PNG');
    const svgBtn = el('button', { type: 'button', class: 'svg', title: 'save the chart as an SVG drawing (curves, bands, axes, markers and legend; for papers)', onclick: () => this.svg() }, 'SVG');
    this.titleEl = el('div', { class: 'title' }, el('span', { text: spec.title }), el('span', {}, pngBtn, ' ', svgBtn, ' ', ylogBtn));
    this.plotEl = el('div');
    this.readout = el('div', { class: 'readout' }, '\u00a0');
    this.box.append(this.titleEl, this.plotEl, this.readout);
    parent.append(this.box);
    charts.push(this);
  }

  setData(data) { this.data = data; this.render(); }

  /** Whether x is drawn on a log scale: the page's choice, or always for a chart over the training-set size. */
  xlog() { return this.spec.xlogAlways || state.xlog; }

  /** the data as drawn: x > 0 on a log axis, y > 0 on a log axis, smoothed */
  shown() {
    const xs = this.data[0];
    let keep = null;
    if (this.xlog()) { keep = []; for (let i = 0; i < xs.length; i++) if (xs[i] > 0) keep.push(i); }
    const pick = (arr) => keep ? keep.map((i) => arr[i]) : arr.slice();
    const out = [pick(xs)];
    for (let s = 1; s < this.data.length; s++) {
      let ys = pick(this.data[s]);
      if (this.ylog) ys = ys.map((y) => (y === null || y === undefined || y <= 0) ? null : y);
      out.push(smooth(ys, state.smooth));
    }
    return out;
  }

  opts() {
    const spec = this.spec, self = this;
    const width = Math.max(300, this.box.clientWidth - 18);
    return {
      width, height: spec.height || 230,
      legend: { show: !spec.many, live: true },
      cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 24 } },
      focus: { alpha: spec.many ? 0.25 : 0.6 },
      scales: { x: { time: false, distr: this.xlog() ? 3 : 1 }, y: { distr: this.ylog ? 3 : 1 } },
      axes: [{ label: spec.xlabel || 'step', size: 40, values: (u, v) => v.map((x) => tick(x, this.xlog())) },
             { size: 52, values: (u, v) => v.map((x) => tick(x, this.ylog)) }],
      series: [{ label: 'step' }].concat(spec.series.map((s) => ({
        label: s.label, stroke: s.color, width: s.width === undefined ? 1.5 : s.width, spanGaps: !s.dots, dash: s.dash,
        // s.dots: a point per value and no line (one dot per run)
        points: s.dots ? { show: true, size: 7, fill: s.color, stroke: s.color } : { show: false }, paths: s.dots ? () => null : undefined,
      }))),
      // spec.bands: [[upper, lower, colour]] by index into spec.series: the area between two series filled
      bands: (spec.bands || []).map(([hi, lo, color]) => ({ series: [hi + 1, lo + 1], fill: color + '33' })),
      hooks: {
        draw: [(u) => self.drawMarkers(u)],
        setScale: [(u, key) => { if (key === 'x') { const x = u.scales.x; self.zoomed = (x.min > self.fullMin || x.max < self.fullMax) ? [x.min, x.max] : null; } }],
        setCursor: [(u) => self.readOut(u)],
        setSeries: [(u) => self.readOut(u)],
      },
    };
  }

  readOut(u) {
    const i = u.cursor.idx;
    if (i === null || i === undefined) { this.readout.textContent = '\u00a0'; return; }
    const x = u.data[0][i];
    if (!this.spec.many) { this.readout.textContent = 'step ' + fmt(x); return; }
    // the series nearest the cursor (uPlot's focus), else the first with a value
    let s = u.series.findIndex((sr, k) => k > 0 && sr._focus);
    if (s < 1) s = u.data.findIndex((d, k) => k > 0 && d[i] !== null && d[i] !== undefined);
    this.readout.textContent = s > 0 ? `step ${fmt(x)} · ${u.series[s].label}: ${fmt(u.data[s][i])}` : 'step ' + fmt(x);
  }

  drawMarkers(u) {
    const ms = this.spec.markers ? this.spec.markers() : [];
    const ctx = u.ctx;
    ctx.save();
    ctx.font = `${Math.round(10 * devicePixelRatio)}px system-ui, sans-serif`;
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    let row = 0;
    for (const m of ms) {
      if (m.step === null || m.step === undefined || (this.xlog() && m.step <= 0)) continue;
      const x = u.valToPos(m.step, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.strokeStyle = m.color || '#6b7280';
      ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      ctx.fillStyle = m.color || '#374151';
      ctx.fillText(m.label, x + 3 * devicePixelRatio, u.bbox.top + (12 + 12 * (row++ % 3)) * devicePixelRatio);
    }
    ctx.restore();
  }

  rebuild() { if (this.plot) { this.plot.destroy(); this.plot = null; } this.render(); }

  /** The chart as drawn (axes, curves, markers; the legend is the page's) into a PNG file named after its title. */
  png() {
    if (!this.plot) return;
    this.plot.ctx.canvas.toBlob((blob) => {
      const a = el('a', { href: URL.createObjectURL(blob), download: (this.spec.title || this.spec.key).replace(/[^A-Za-z0-9._-]+/g, '-') + '.png' });
      document.body.append(a); a.click(); a.remove();
    }, 'image/png');
  }

  /** The chart as drawn (same scales, zoom, smoothing and log axes) as SVG text: title, axes with their ticks, bands,
   *  curves (or dots), markers and a legend of the series shown. Every text is escaped. */
  svgText() {
    const u = this.plot;
    if (!u) return '';
    const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
    const r = devicePixelRatio || 1;
    const L = u.bbox.left / r, T = u.bbox.top / r, W = u.bbox.width / r, H = u.bbox.height / r;
    const legend = this.spec.series.map((s, i) => ({ s, i })).filter(({ s, i }) => s.legend !== false && u.series[i + 1].show !== false);
    // the legend in two columns when its labels fit them, else one; a label too long for its column is cut with …
    // (the full label stays in the curve's own <title>)
    const charW = 6.2, cols = legend.every(({ s }) => (s.label.length + 4) * charW < u.width / 2) ? 2 : 1;
    const fit = (label) => { const max = Math.floor((u.width / cols - 40) / charW); return label.length > max ? label.slice(0, Math.max(1, max - 1)) + '…' : label; };
    const rowH = 14, legendH = legend.length ? 8 + rowH * Math.ceil(legend.length / cols) : 0;
    const titleH = 20, width = u.width, height = u.height + titleH + legendH;
    const X = (v) => L + u.valToPos(v, 'x'), Y = (v) => T + u.valToPos(v, 'y');
    const ok = (v) => v !== null && v !== undefined && isFinite(v);
    const xs = u.data[0];
    const inX = (x) => x >= u.scales.x.min && x <= u.scales.x.max;
    const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 ${-titleH} ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
      `<title>${esc(this.spec.title || this.spec.key)}</title>`, `<rect x="0" y="${-titleH}" width="${width}" height="${height}" fill="#fff"/>`,
      `<text x="${L}" y="-6" font-size="13" font-weight="600">${esc(this.spec.title || this.spec.key)}</text>`,
      `<defs><clipPath id="plot"><rect x="${L}" y="${T}" width="${W}" height="${H}"/></clipPath></defs>`,
      `<rect x="${L}" y="${T}" width="${W}" height="${H}" fill="none" stroke="#d1d5db"/>`];
    // axes: uPlot's own ticks and labels
    [['x', 0], ['y', 1]].forEach(([key, a]) => {
      const ax = u.axes[a], splits = ax._splits || [], labels = ax._values || [];
      splits.forEach((v, k) => {
        if (!ok(v)) return;
        const label = esc(labels[k] === undefined ? v : labels[k]);
        if (key === 'x') { const x = X(v); if (x < L - 0.5 || x > L + W + 0.5) return;
          out.push(`<line x1="${x.toFixed(1)}" y1="${T}" x2="${x.toFixed(1)}" y2="${T + H}" stroke="#eee"/><text x="${x.toFixed(1)}" y="${T + H + 14}" text-anchor="middle" fill="#374151">${label}</text>`);
        } else { const y = Y(v); if (y < T - 0.5 || y > T + H + 0.5) return;
          out.push(`<line x1="${L}" y1="${y.toFixed(1)}" x2="${L + W}" y2="${y.toFixed(1)}" stroke="#eee"/><text x="${L - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end" fill="#374151">${label}</text>`); }
      });
    });
    out.push(`<text x="${L + W / 2}" y="${T + H + 30}" text-anchor="middle" fill="#374151">${esc(this.spec.xlabel || 'step')}</text>`);
    out.push('<g clip-path="url(#plot)">');
    for (const [hi, lo, color] of (this.spec.bands || [])) {   // the area between two series, as the page fills it
      const up = [], down = [];
      for (let k = 0; k < xs.length; k++) {
        const a = u.data[hi + 1][k], b = u.data[lo + 1][k];
        if (inX(xs[k]) && ok(a) && ok(b)) { up.push(`${X(xs[k]).toFixed(1)},${Y(a).toFixed(1)}`); down.push(`${X(xs[k]).toFixed(1)},${Y(b).toFixed(1)}`); }
      }
      if (up.length > 1) out.push(`<polygon points="${up.concat(down.reverse()).join(' ')}" fill="${esc(color)}" fill-opacity="0.2"/>`);
    }
    this.spec.series.forEach((s, i) => {
      if (u.series[i + 1].show === false) return;
      const ys = u.data[i + 1];
      if (s.dots) {
        for (let k = 0; k < xs.length; k++) if (ok(ys[k]) && inX(xs[k])) out.push(`<circle cx="${X(xs[k]).toFixed(1)}" cy="${Y(ys[k]).toFixed(1)}" r="3" fill="${esc(s.color)}"/>`);
        return;
      }
      let d = '', pen = false;
      for (let k = 0; k < xs.length; k++) {
        if (!ok(ys[k])) { pen = false; continue; }
        d += (pen ? 'L' : 'M') + X(xs[k]).toFixed(1) + ' ' + Y(ys[k]).toFixed(1);
        pen = true;
      }
      if (d) out.push(`<path d="${d}" fill="none" stroke="${esc(s.color)}" stroke-width="${s.width === undefined ? 1.5 : s.width}"${s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}><title>${esc(s.label)}</title></path>`);
    });
    out.push('</g>');
    for (const m of (this.spec.markers ? this.spec.markers() : [])) {
      if (!ok(m.step) || (this.xlog() && m.step <= 0) || !inX(m.step)) continue;
      const x = X(m.step).toFixed(1);
      out.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${T + H}" stroke="${esc(m.color || '#6b7280')}" stroke-dasharray="4 3"/><text x="${x}" y="${T + 12}" dx="3" fill="${esc(m.color || '#374151')}">${esc(m.label)}</text>`);
    }
    legend.forEach(({ s }, k) => {
      const x = 10 + (k % cols) * (width / cols), y = u.height + 8 + rowH * Math.floor(k / cols);
      out.push(`<line x1="${x}" y1="${y}" x2="${x + 16}" y2="${y}" stroke="${esc(s.color)}" stroke-width="2"/><text x="${x + 20}" y="${y + 4}">${esc(fit(s.label))}</text>`);
    });
    out.push('</svg>');
    return out.join('\n');
  }

  /** svgText() into a file named after the chart's title. */
  svg() {
    const text = this.svgText();
    if (!text) return;
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' })), download: (this.spec.title || this.spec.key).replace(/[^A-Za-z0-9._-]+/g, '-') + '.svg' });
    document.body.append(a); a.click(); a.remove();
  }

  render() {
    const d = this.shown();
    const xs = d[0];
    this.fullMin = xs.length ? xs[0] : 0;
    this.fullMax = xs.length ? xs[xs.length - 1] : 1;
    let points = 0;
    for (let s = 1; s < d.length; s++) for (const y of d[s]) if (y !== null && y !== undefined) points++;
    this.box.dataset.points = String(points);
    this.box.dataset.rows = String(this.data[0].length);
    if (!this.plot) {
      clear(this.plotEl);
      this.plot = new uPlot(this.opts(), d, this.plotEl);
      // series that only edge a band stay out of the legend
      const legendRows = this.plotEl.querySelectorAll('.u-legend .u-series');
      this.spec.series.forEach((sr, i) => { if (sr.legend === false && legendRows[i + 1]) legendRows[i + 1].style.display = 'none'; });
    } else {
      const z = this.zoomed;
      this.plot.setData(d, !z);
      if (z) this.plot.setScale('x', { min: z[0], max: z[1] });
    }
  }

  resize() { if (this.plot) this.plot.setSize({ width: Math.max(300, this.box.clientWidth - 18), height: this.spec.height || 230 }); }
}

window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

function commonControls(onChange) {
  const xlog = el('input', { type: 'checkbox', id: 'xlog', checked: state.xlog, onchange: (e) => { state.xlog = e.target.checked; charts.forEach((c) => c.rebuild()); onChange && onChange(); } });
  const val = el('span', { class: 'muted' }, state.smooth.toFixed(2));
  const sm = el('input', { type: 'range', id: 'smooth', min: 0, max: 0.99, step: 0.01, value: state.smooth,
    oninput: (e) => { state.smooth = +e.target.value; val.textContent = state.smooth.toFixed(2); charts.forEach((c) => c.render()); } });
  return el('div', { class: 'controls' },
    el('label', {}, xlog, 'log step axis'),
    el('label', {}, 'smoothing', sm, val),
    el('span', { class: 'muted' }, 'drag to zoom, double-click to reset'));
}

// ---- home ------------------------------------------------------------------------------------------------------

async function showHome() {
  setCrumbs([]);
  const data = await api('/api/home');
  const main = clear($('#main'));
  main.append(el('h1', {}, 'Runs, sweeps and searches'),
    el('p', { class: 'muted' }, 'Serving ' + data.roots.join(', ') + '. New runs appear here as they start.'));
  const tbody = el('tbody');
  const table = el('table', { id: 'entries' }, el('thead', {}, el('tr', {},
    ['', '', 'name', 'directory', 'status', 'progress', 'ETA', 'state', 'memorized', 'generalized', 'test acc'].map((h) => el('th', {}, h)))), tbody);
  const compareBtn = el('button', { type: 'button', id: 'compare', onclick: () => { location.hash = compareHref([...state.picked]); } }, '');
  const pickedText = () => { compareBtn.textContent = `compare ${state.picked.size} selected runs`; compareBtn.disabled = state.picked.size < 2; };
  pickedText();
  main.append(el('div', { class: 'controls' }, compareBtn, el('span', { class: 'muted' }, 'tick runs here or on a sweep page to overlay them on one page')),
    el('div', { class: 'card' }, table));
  const rows = new Map();
  function render(e) {
    const tr = el('tr', { dataset: { id: e.id } });
    const href = e.kind === 'run' ? runHref(e.id) : sweepHref(e.id);
    const progress = e.kind === 'run' ? `${fmt(e.step)} / ${fmt(e.steps)}` : `${fmt(e.done)} / ${fmt(e.runs)} runs` + (e.running ? `, ${e.running} running` : '');
    const pick = e.kind === 'run' ? el('input', { type: 'checkbox', checked: state.picked.has(e.id), title: 'compare this run with others',
      onchange: (ev) => { if (ev.target.checked) state.picked.add(e.id); else state.picked.delete(e.id); pickedText(); } }) : '';
    tr.append(el('td', {}, pick), el('td', {}, badge(e.kind)), el('td', {}, link(href, e.name || e.label)), el('td', { class: 'muted' }, e.label),
      el('td', {}, badge(e.status)), el('td', {}, setBar(bar(), e.fraction), ' ', el('span', { class: 'muted' }, progress)),
      el('td', { class: 'num' }, duration(e.eta_s)), el('td', {}, e.advisor ? badge(e.advisor) : (e.phase ? badge(e.phase) : '')),
      el('td', { class: 'num' }, fmt(e.memorization_step)), el('td', { class: 'num' }, fmt(e.generalization_step)),
      el('td', { class: 'num' }, e.final_test_acc === undefined ? '' : pct(e.final_test_acc)));
    const old = rows.get(e.id);
    if (old) old.replaceWith(tr); else tbody.append(tr);
    rows.set(e.id, tr);
  }
  data.entries.forEach(render);
  if (!data.entries.length) main.append(el('p', { class: 'muted', id: 'empty' }, 'Nothing here yet: no run, sweep or search directory under the served folders.'));
  listen(data.watch, {
    entries: (list) => { const em = $('#empty'); if (em) em.remove(); list.forEach(render); },
    removed: (id) => { const r = rows.get(id); if (r) { r.remove(); rows.delete(id); } },
  }, route);
}

// ---- a run -----------------------------------------------------------------------------------------------------

const RUN_CHARTS = [
  { key: 'acc', title: 'accuracy', cols: [['train_acc', 'train', '#2f6fdb'], ['test_acc', 'test', '#e0572b']] },
  { key: 'loss', title: 'loss', ylog: true, cols: [['train_loss', 'train', '#2f6fdb'], ['test_loss', 'test', '#e0572b']] },
  { key: 'norm', title: 'weight norm', cols: [['l2_norm', '‖θ‖₂', '#1e8a4c'], ['linf_norm', '‖θ‖∞', '#8b5cf6']] },
  { key: 'dist', title: 'distance from initialization', cols: [['dist_from_init', '‖θ−θ₀‖', '#0891b2'], ['rel_dist', '‖θ−θ₀‖/‖θ₀‖', '#d97706']] },
  { key: 'ntk', title: 'empirical NTK', cols: [['ntk_rel', '‖Θt−Θ0‖/‖Θ0‖', '#be185d'], ['ntk_cka', 'kernel–target alignment', '#4d7c0f']] },
  { key: 'fourier', title: 'Fourier sparsity (Gini)', cols: [['embed_gini', 'embedding', '#2f6fdb'], ['wl_gini', 'W_L', '#e0572b']] },
  { key: 'progress', title: 'restricted / excluded loss', ylog: true, cols: [['restricted_loss', 'restricted', '#1e8a4c'], ['excluded_loss', 'excluded', '#c53030'], ['test_loss', 'test', '#9ca3af']] },
  { key: 'collapse', title: 'softmax collapse (share of training set)', cols: [['softmax_one_share', 'softmax = 1', '#c53030'], ['zero_loss_share', 'loss = 0', '#d97706'], ['zero_grad_share', 'gradient = 0', '#6b7280']] },
  { key: 'forecast', title: 'early verdict: P(generalize within the budget)', cols: [['p_generalize', 'P(generalize)', '#c2410c']] },
  { key: 'margin', title: 'normalized margin', cols: [['margin', 'margin', '#8b5cf6']] },
  { key: 'lr', title: 'learning rate', cols: [['lr', 'lr', '#6b7280']] },
];

function milestones(run) {
  const st = run.status || {}, adv = (run.summary && run.summary.probes && run.summary.probes.advisor) || (run.progress && run.progress.advisor) || {};
  const out = [];
  const add = (step, label, color) => { if (step !== null && step !== undefined) out.push({ step, label, color }); };
  add(st.memorization_step, 'memorized', '#2f6fdb');
  add(adv.kernel_departure_step, 'kernel departure', '#be185d');
  add(adv.norm_decay_step, 'norm decay', '#1e8a4c');
  add(adv.fourier_sparsification_step, 'Fourier sparsification', '#8b5cf6');
  add(adv.softmax_collapse_step, 'softmax collapse', '#c53030');
  if (adv.forecast) { add(adv.forecast.forming_step, 'forming', '#c2410c'); add(adv.forecast.stalled_step, 'stalled', '#9b2c2c'); }
  add(st.generalization_step, 'generalized', '#e0572b');
  return out;
}

async function showRun(id) {
  const run = await api('/api/run?id=' + encodeURIComponent(id));
  const crumbs = [];
  if (run.sweep) crumbs.push([sweepHref(run.sweep), run.sweep]);
  crumbs.push([runHref(id), run.label]);
  setCrumbs(crumbs);
  const main = clear($('#main'));
  charts = [];
  const cols = run.metrics.columns;
  const table = cols.map(() => []);
  const append = (m) => {
    if (m.columns.join() !== cols.join()) return false;
    m.data.forEach((c, k) => { for (const v of c) table[k].push(v); });
    return true;
  };
  append(run.metrics);

  const head = el('div', { class: 'card', id: 'run-head' });
  const advisorBox = el('div', { class: 'card', id: 'advisor' });
  function renderHead() {
    const s = run.status;
    clear(head).append(
      el('h1', {}, (run.config && run.config.name) || run.label),
      el('div', { class: 'row' }, badge(s.status), s.advisor ? badge(s.advisor) : null,
        el('span', {}, setBar(bar(), s.fraction), ' ', `step ${fmt(s.step)} of ${fmt(s.steps)}`),
        s.status === 'running' ? el('span', { id: 'eta' }, `ETA ${duration(s.eta_s)} · ${fmt(s.steps_per_s)} steps/s`) : null,
        el('span', {}, 'memorized ', el('b', {}, fmt(s.memorization_step))),
        el('span', {}, 'generalized ', el('b', {}, fmt(s.generalization_step))),
        s.final_test_acc !== undefined ? el('span', {}, 'final test ', el('b', {}, pct(s.final_test_acc))) : null),
      el('div', { class: 'muted' }, run.label, run.config && run.config.description ? ' — ' + run.config.description : ''));
    const adv = (run.summary && run.summary.probes && run.summary.probes.advisor) || (run.progress && run.progress.advisor);
    clear(advisorBox);
    if (adv) {
      advisorBox.append(el('div', { class: 'row' }, el('b', {}, 'Transition advisor'), badge(adv.state)));
      const fc = adv.forecast;
      if (fc && fc.probability !== null && fc.probability !== undefined)
        advisorBox.append(el('p', { id: 'forecast' }, el('b', {}, 'Early verdict: '), `P(generalize within the budget) ${fc.probability.toFixed(2)}`,
          fc.eta !== null && fc.eta !== undefined && adv.state !== 'generalized' ? `, expected around step ${fmt(fc.eta)} (${fmt(fc.eta_low)} – ${fmt(fc.eta_high)})` : '',
          fc.evidence ? ` · evidence: ${fc.evidence}` : ''));
      if (adv.recommendation) advisorBox.append(el('p', {}, el('b', {}, 'Recommendation: '), adv.recommendation));
      if (adv.softmax_collapse_advice) advisorBox.append(el('p', {}, el('b', {}, 'Softmax collapse: '), adv.softmax_collapse_advice));
      if (adv.log && adv.log.length) advisorBox.append(el('ul', { class: 'events' }, adv.log.map((l) => el('li', {}, l))));
    } else {
      advisorBox.append(el('span', { class: 'muted' }, 'No probes in this run (probes.enabled: false), so no advisor.'));
    }
  }
  renderHead();
  main.append(head, commonControls(), advisorBox);

  const grid = el('div', { class: 'grid' });
  main.append(grid);
  const made = [];
  for (const spec of RUN_CHARTS) {
    const present = spec.cols.filter(([c]) => cols.includes(c));
    if (!present.length) continue;
    const chart = new Chart(grid, { key: spec.key, title: spec.title, ylog: spec.ylog, markers: () => milestones(run),
      series: present.map(([, label, color]) => ({ label, color })) });
    made.push({ chart, idx: present.map(([c]) => cols.indexOf(c)) });
  }
  // any column, for what the fixed charts leave out (per-tensor norms, key counts...)
  // the fixed charts' columns last: the picker opens on one they leave out
  const fixed = new Set(RUN_CHARTS.flatMap((c) => c.cols.map(([k]) => k)));
  const extraCols = cols.filter((c) => c !== 'step' && !fixed.has(c)).concat(cols.filter((c) => c !== 'step' && fixed.has(c)));
  const pickCol = el('select', { id: 'explore' }, extraCols.map((c) => el('option', { value: c }, c)));
  const exploreBox = el('div');
  grid.append(exploreBox);
  const explore = new Chart(exploreBox, { key: 'explore', title: 'any column', markers: () => milestones(run), series: [{ label: extraCols[0] || '', color: '#111827' }] });
  explore.titleEl.firstChild.replaceWith(pickCol);
  pickCol.addEventListener('change', () => { explore.spec.series[0].label = pickCol.value; explore.rebuild(); draw(); });
  made.push({ chart: explore, idx: null });

  function draw() {
    for (const m of made) {
      const idx = m.idx || [cols.indexOf(pickCol.value)];
      m.chart.setData([table[0]].concat(idx.map((k) => table[k] || [])));
    }
  }
  draw();

  const info = el('div', { class: 'grid' });
  main.append(el('h2', {}, 'Configuration and provenance'), info);
  info.append(el('div', {}, el('div', { class: 'muted' }, 'config.json (resolved)'), el('pre', { id: 'config' }, JSON.stringify(run.config, null, 2))),
    el('div', {}, el('div', { class: 'muted' }, 'provenance.json'), el('pre', {}, JSON.stringify(run.provenance, null, 2))));
  const files = el('ul', {}, run.files.map((f) => el('li', {}, link(fileHref(id + '/' + f), f))));
  const cks = run.checkpoints.length ? el('ul', {}, run.checkpoints.map((f) => el('li', {}, link(fileHref(id + '/checkpoints/' + f), f)))) : el('p', { class: 'muted' }, 'none yet');
  main.append(el('h2', {}, 'Files'), el('div', { class: 'grid' }, el('div', { class: 'card' }, files),
    el('div', { class: 'card' }, el('b', {}, 'milestone checkpoints (before and after grokking)'), cks)));

  listen(run.watch, {
    rows: (m) => { if (append(m)) draw(); else route(); },
    reset: () => route(),
    status: (s) => { run.status = s.status; run.progress = s.progress; run.summary = s.summary; renderHead(); charts.forEach((c) => c.plot && c.plot.redraw()); },
  }, route);
}

// ---- a sweep or search -----------------------------------------------------------------------------------------

const SWEEP_METRICS = ['test_acc', 'train_acc', 'p_generalize', 'test_loss', 'train_loss', 'l2_norm', 'dist_from_init', 'ntk_rel', 'ntk_cka', 'embed_gini', 'wl_gini',
  'restricted_loss', 'excluded_loss', 'softmax_one_share'];

function axisColors(runs, axis) {
  const vals = [...new Set(runs.map((r) => r.params[axis]))].filter((v) => v !== undefined);
  const nums = vals.map(Number);
  const numeric = vals.length > 0 && nums.every((x) => isFinite(x));
  const map = new Map();
  if (numeric) {
    const pos = nums.every((x) => x > 0);
    const f = (x) => pos ? Math.log(x) : x;
    const lo = Math.min(...nums.map(f)), hi = Math.max(...nums.map(f));
    vals.forEach((v, i) => map.set(String(v), viridis(hi > lo ? (f(nums[i]) - lo) / (hi - lo) * 0.92 : 0.4)));
    vals.sort((a, b) => Number(a) - Number(b));
  } else {
    vals.forEach((v, i) => map.set(String(v), PALETTE[i % PALETTE.length]));
  }
  return { vals, map };
}

function cdsText(cds, kind) {
  const parts = [];
  const b = cds.bracket;
  if (b) {
    if (b.last_failing !== null && b.first_succeeding !== null)
      parts.push(el('span', {}, 'critical data size between ', el('b', {}, fmt(b.last_failing)), ' (memorizes) and ', el('b', {}, fmt(b.first_succeeding)), ' examples (generalizes)'));
    else if (b.first_succeeding !== null) parts.push(el('span', {}, 'the smallest size probed, ', el('b', {}, fmt(b.first_succeeding)), ', already generalizes'));
    else if (b.last_failing !== null) parts.push(el('span', {}, 'up to ', el('b', {}, fmt(b.last_failing)), ' examples no size has generalized yet'));
    else parts.push(el('span', { class: 'muted' }, 'no probe has finished yet'));
    if (b.probing !== null) parts.push(el('span', { class: 'muted' }, ` · probing n = ${fmt(b.probing)} now`));
  }
  for (const g of cds.groups || []) {
    const label = g.group && Object.keys(g.group).length ? Object.entries(g.group).map(([k, v]) => `${k}=${v}`).join(', ') + ': ' : '';
    if (g.fit && g.fit.cds !== null && isFinite(g.fit.cds))
      parts.push(el('div', {}, label, 'fitted CDS ', el('b', {}, fmt(Math.round(g.fit.cds))), g.fit.seeds >= 3
        ? ` (95% interval ${fmt(Math.round(g.fit.interval[0]))} – ${fmt(Math.round(g.fit.interval[1]))} over ${g.fit.seeds} seeds)`
        : ` (from ${g.fit.seeds} seed${g.fit.seeds === 1 ? '' : 's'}: no meaningful interval, use 3 or more)`));
    if (g.paper && g.paper.cds !== null && isFinite(g.paper.cds)) parts.push(el('div', { class: 'muted' }, label, `the CDS paper's estimator peaks at ${fmt(g.paper.cds)}`));
    if (g.statement) parts.push(el('div', { class: 'muted' }, label + g.statement));
  }
  if (cds.fit_pending) parts.push(el('div', { class: 'muted', id: 'fit-pending' }, 'fitting the estimate to the runs that just ended…'));
  if (cds.fit_error) parts.push(el('div', { class: 'error' }, 'the fit failed: ' + cds.fit_error));
  if (!parts.length) parts.push(el('span', { class: 'muted' }, cds.size_axis ? 'no run has completed yet' : 'this sweep has no training-set size axis: no critical data size'));
  return parts;
}

async function showSweep(id) {
  const metrics = [state.sweepMetric, state.sweepMetric === 'train_acc' ? 'test_acc' : 'train_acc'];
  const sw = await api('/api/sweep?id=' + encodeURIComponent(id) + '&metrics=' + encodeURIComponent(metrics.join(',')));
  setCrumbs([[sweepHref(id), sw.label]]);
  const main = clear($('#main'));
  charts = [];
  let runs = sw.runs;
  const series = sw.series; // run id -> {columns, data}
  const axes = sw.axes.filter((a) => a !== 'seed');
  if (!state.colorBy || !sw.axes.includes(state.colorBy)) state.colorBy = sw.axes.find((a) => a === 'task.train_count' || a === 'task.train_fraction') || axes[0] || sw.axes[0];

  const head = el('div', { class: 'card' });
  const cdsBox = el('div', { class: 'card cds', id: 'cds-estimate' });
  function renderHead() {
    const count = (s) => runs.filter((r) => r.status === s).length;
    const done = count('completed') + count('failed');
    clear(head).append(el('h1', {}, sw.label),
      el('div', { class: 'row' }, badge(sw.kind),
        el('span', {}, setBar(bar(), runs.length ? done / runs.length : 0), ` ${done} of ${runs.length} runs done`),
        el('span', {}, `${count('running')} running · ${count('pending')} pending · ${count('failed')} failed` + (count('stopped') ? ` · ${count('stopped')} stopped` : '')),
        sw.report ? link(fileHref(id + '/report.html'), 'static report') : null,
        sw.forecast ? link(fileHref(id + '/forecast.html'), 'forecast evaluation') : null),
      el('div', { class: 'muted' }, 'axes: ' + (sw.axes.join(', ') || '–')));
  }
  const evidence = el('div', { class: 'grid', id: 'cds-evidence' });
  let cdsNow = sw.cds, accChart = null, stepsChart = null;
  function renderCds(cds) {
    cdsNow = cds;
    clear(cdsBox).append(el('div', { class: 'muted' }, sw.kind === 'search' ? 'critical data size as the search stands' : 'critical data size as it stands'), ...cdsText(cds, sw.kind));
    renderEvidence();
  }
  // the search's evidence as it grows: final test accuracy against n with the fitted curve and the bracket, and steps to
  // generalize against n (the CDS paper's estimator reads its peak)
  function renderEvidence() {
    const size = cdsNow && cdsNow.size_axis;
    if (!size) return;
    const done = runs.filter((r) => r.final_test_acc !== undefined && r.final_test_acc !== null && isFinite(Number(r.params[size])));
    if (!done.length) return;
    const ns = [...new Set(done.map((r) => Number(r.params[size])))].sort((a, b) => a - b);
    const g = (cdsNow.groups || [])[0];
    const curve = g && g.fit && g.fit.curve;
    const grid = [];
    if (curve) { const lo = Math.log(ns[0] / 1.5), hi = Math.log(ns[ns.length - 1] * 1.5); for (let i = 0; i <= 80; i++) grid.push(Math.exp(lo + (hi - lo) * i / 80)); }
    const xs = [...new Set(ns.concat(grid))].sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const dots = [], mean = xs.map(() => null), fitted = xs.map(() => null);
    const byN = new Map();
    for (const r of done) { const n = Number(r.params[size]); if (!byN.has(n)) byN.set(n, []); byN.get(n).push(r.final_test_acc); }
    const perSeed = Math.max(...[...byN.values()].map((v) => v.length));
    for (let k = 0; k < perSeed; k++) dots.push(xs.map(() => null));
    for (const [n, vals] of byN) { vals.forEach((v, k) => { dots[k][at.get(n)] = v; }); mean[at.get(n)] = vals.reduce((a, b) => a + b, 0) / vals.length; }
    if (curve) for (const x of grid) fitted[at.get(x)] = curve.lo + (curve.hi - curve.lo) / (1 + Math.exp(-(Math.log(x) - curve.m) / curve.s));
    const b = cdsNow.bracket || {};
    const marks = () => [{ step: b.last_failing, label: 'memorizes', color: '#2f6fdb' }, { step: b.first_succeeding, label: 'generalizes', color: '#e0572b' },
      g && g.fit && g.fit.cds !== null && isFinite(g.fit.cds) ? { step: g.fit.cds, label: 'fitted CDS', color: '#111827' } : { step: null }];
    const accSeries = dots.map((d, k) => ({ label: k ? `runs (${k + 1})` : 'runs', color: '#9ca3af', dots: true }))
      .concat([{ label: 'seed mean', color: '#2f6fdb', width: 2 }, { label: 'fitted curve', color: '#e0572b', width: 1.5, dash: [5, 3] }]);
    if (!accChart || accChart.spec.series.length !== accSeries.length) {
      if (accChart) { accChart.plot && accChart.plot.destroy(); accChart.box.remove(); charts = charts.filter((c) => c !== accChart); }
      accChart = new Chart(evidence, { key: 'cds-acc', title: 'final test accuracy against ' + size, xlabel: size, xlogAlways: true, series: accSeries, markers: marks });
    }
    accChart.spec.markers = marks;
    accChart.setData([xs].concat(dots, [mean, fitted]));
    const paper = (g && g.paper && g.paper.points) || [];
    const gen = done.filter((r) => r.generalization_step !== undefined && r.generalization_step !== null);
    const sx = [...new Set(gen.map((r) => Number(r.params[size])).concat(paper.map((p) => p.n)))].sort((a, b) => a - b);
    if (!sx.length) return;
    const sat = new Map(sx.map((x, i) => [x, i]));
    const maxSeeds = Math.max(1, ...sx.map((n) => gen.filter((r) => Number(r.params[size]) === n).length));
    const sdots = []; for (let k = 0; k < maxSeeds; k++) sdots.push(sx.map(() => null));
    for (const n of sx) gen.filter((r) => Number(r.params[size]) === n).forEach((r, k) => { sdots[k][sat.get(n)] = r.generalization_step; });
    const pmean = sx.map(() => null);
    for (const p of paper) pmean[sat.get(p.n)] = p.mean_steps;
    const stepSeries = sdots.map((d, k) => ({ label: k ? `runs (${k + 1})` : 'runs', color: '#9ca3af', dots: true })).concat([{ label: "the CDS paper's generalization steps (seed mean)", color: '#1e8a4c', width: 2 }]);
    if (!stepsChart || stepsChart.spec.series.length !== stepSeries.length) {
      if (stepsChart) { stepsChart.plot && stepsChart.plot.destroy(); stepsChart.box.remove(); charts = charts.filter((c) => c !== stepsChart); }
      stepsChart = new Chart(evidence, { key: 'cds-steps', title: 'steps to generalize against ' + size, xlabel: size, xlogAlways: true, series: stepSeries, markers: marks });
    }
    stepsChart.spec.markers = marks;
    stepsChart.setData([sx].concat(sdots, [pmean]));
  }
  renderHead();

  const metricSel = el('select', { id: 'metric', onchange: (e) => { state.sweepMetric = e.target.value; route(); } },
    SWEEP_METRICS.map((m) => el('option', { value: m, selected: m === state.sweepMetric }, m)));
  const colorSel = el('select', { id: 'color-by', onchange: (e) => { state.colorBy = e.target.value; drawAll(); renderTable(); } },
    sw.axes.map((a) => el('option', { value: a, selected: a === state.colorBy }, a)));
  const onlySel = el('input', { type: 'checkbox', checked: state.onlySelected, onchange: (e) => { state.onlySelected = e.target.checked; drawAll(); } });
  const groupSel = el('input', { type: 'checkbox', id: 'sweep-group-seeds', checked: state.groupSeeds, onchange: (e) => { state.groupSeeds = e.target.checked; drawAll(); } });
  main.append(head, cdsBox, evidence, commonControls(),
    el('div', { class: 'controls' }, el('label', {}, 'metric', metricSel), el('label', {}, 'colour by', colorSel),
      el('label', {}, onlySel, 'only the selected runs'),
      el('label', {}, groupSel, 'group seeds: mean with a min–max band'),
      el('button', { type: 'button', onclick: () => { state.selected.clear(); drawAll(); renderTable(); } }, 'clear selection'),
      el('button', { type: 'button', id: 'compare-selected', title: 'every chart of the selected runs on one page',
        onclick: () => { if (state.selected.size) location.hash = compareHref([...state.selected].map((r) => id + '/runs/' + r)); } }, 'compare selected')));

  const legend = el('div', { class: 'legend' });
  const chartBox = el('div', { class: 'grid' });
  main.append(legend, chartBox);
  let main1 = null, main2 = null;

  function visibleRuns() {
    return runs.filter((r) => series[r.id] && (!state.onlySelected || state.selected.size === 0 || state.selected.has(r.id)));
  }
  function column(r, name) {
    const s = series[r.id];
    const k = s.columns.indexOf(name);
    return k < 0 ? null : [s.data[0], s.data[k]];
  }
  function drawAll() {
    const { vals, map } = axisColors(runs, state.colorBy);
    clear(legend).append(el('span', { class: 'muted' }, state.colorBy + ':'),
      ...vals.map((v) => el('span', {}, el('span', { class: 'swatch', dataset: { c: map.get(String(v)) } }), String(v))));
    legend.querySelectorAll('.swatch').forEach((s) => { s.style.background = s.dataset.c; });
    const vis = visibleRuns();
    for (const [slot, name] of [[0, metrics[0]], [1, metrics[1]]]) {
      let tables = [], specs = [], bands = [];
      if (state.groupSeeds) { // runs alike but for the seed: one mean curve and the seeds' min–max band
        ({ tables, series: specs, bands } = groupedSeries(vis, (r) => Object.entries(r.params).filter(([k]) => k !== 'seed').map(([k, v]) => `${k}=${v}`).join(' '),
          (r) => map.get(String(r.params[state.colorBy])) || '#6b7280', column, name, 1.8));
      } else {
        for (const r of vis) {
          const c = column(r, name);
          if (!c) continue;
          tables.push(c);
          const sel = state.selected.has(r.id);
          specs.push({ label: `${r.id} ${state.colorBy}=${r.params[state.colorBy]}`, color: map.get(String(r.params[state.colorBy])) || '#6b7280',
            width: sel ? 3 : state.selected.size ? 0.8 : 1.4 });
        }
      }
      const key = 'sweep-' + slot;
      let chart = slot === 0 ? main1 : main2;
      if (!chart || chart.spec.series.length !== specs.length || chart.spec.series.some((s, i) => s.label !== specs[i].label || s.color !== specs[i].color || s.width !== specs[i].width)) {
        if (chart) { chart.plot && chart.plot.destroy(); chart.box.remove(); charts = charts.filter((c) => c !== chart); }
        chart = new Chart(chartBox, { key, wide: slot === 0, title: name + (slot === 0 ? '' : ' (for comparison)'), many: true, height: slot === 0 ? 300 : 240,
          ylog: /loss/.test(name), series: specs, bands });
        if (slot === 0) main1 = chart; else main2 = chart;
      }
      chart.setData(tables.length ? uPlot.join(tables) : [[]]);
    }
  }

  // the size x group heat map of final test accuracy (mean over seeds), as in the static report
  // the hyperparameter table: one row per setting of the swept keys (seeds pooled), what its runs reached
  const hpBox = el('div');
  let hpSort = null, hpDir = -1;
  function renderHparams() {
    clear(hpBox);
    const keys = sw.axes.filter((a) => a !== 'seed');
    if (!keys.length || !runs.length) return;
    const groups = new Map();
    for (const r of runs) {
      const g = keys.map((k) => r.params[k]).join('\u0000');
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(r);
    }
    const rows = [...groups.values()].map((rs) => {
      const done = rs.filter((r) => r.final_test_acc !== undefined && r.final_test_acc !== null);
      const accs = done.map((r) => r.final_test_acc);
      const gens = rs.filter((r) => r.generalization_step !== undefined && r.generalization_step !== null).map((r) => r.generalization_step).sort((a, b) => a - b);
      const ps = rs.filter((r) => r.p_generalize !== undefined && r.p_generalize !== null).map((r) => r.p_generalize);
      return { params: rs[0].params, runs: rs.length, done: done.length, generalized: gens.length,
        acc: accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : null, accLo: accs.length ? Math.min(...accs) : null, accHi: accs.length ? Math.max(...accs) : null,
        gen: gens.length ? gens[Math.floor((gens.length - 1) / 2)] : null, p: ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : null };
    });
    const cols = keys.map((k) => [k, (r) => r.params[k]]).concat([['runs', (r) => r.runs], ['generalized', (r) => r.generalized / Math.max(1, r.done)],
      ['final test (mean)', (r) => r.acc], ['generalized at (median)', (r) => r.gen], ['P(generalize)', (r) => r.p]]);
    if (hpSort !== null) {
      const key = cols[hpSort][1];
      const dir = hpDir;
      rows.sort((a, b) => { const x = key(a), y = key(b); const na = x === null || x === undefined, nb = y === null || y === undefined;
        if (na || nb) return na && nb ? 0 : na ? 1 : -1; const u = Number(x), v = Number(y);
        return (isFinite(u) && isFinite(v) ? u - v : String(x).localeCompare(String(y))) * dir; });
    }
    const head = el('tr', {}, cols.map(([h], i) => el('th', { class: 'sortable' + (hpSort === i ? (hpDir > 0 ? ' up' : ' down') : ''), dataset: { col: String(i) },
      onclick: () => { if (hpSort === i) hpDir = -hpDir; else { hpSort = i; hpDir = i < keys.length ? 1 : -1; } renderHparams(); } }, h)));
    const body = el('tbody', {}, rows.map((r) => el('tr', {}, keys.map((k) => el('td', {}, String(r.params[k]))).concat([
      el('td', { class: 'num' }, `${r.done} / ${r.runs}`),
      el('td', { class: 'num' }, r.done ? `${r.generalized} of ${r.done}` : ''),
      el('td', { class: 'num', title: r.acc === null ? '' : `seeds from ${pct(r.accLo)} to ${pct(r.accHi)}` }, r.acc === null ? '' : pct(r.acc) + (r.done > 1 ? ` (${pct(r.accLo)}–${pct(r.accHi)})` : '')),
      el('td', { class: 'num' }, fmt(r.gen)),
      el('td', { class: 'num' }, r.p === null ? '' : r.p.toFixed(2))]))));
    hpBox.append(el('h2', {}, 'By setting (seeds pooled)'), el('div', { class: 'card' }, el('table', { id: 'hparams' }, el('thead', {}, head), body)));
  }

  const heatBox = el('div');
  function renderHeat() {
    clear(heatBox);
    const size = sw.axes.find((a) => a === 'task.train_count' || a === 'task.train_fraction');
    if (!size) return;
    const others = sw.axes.filter((a) => a !== size && a !== 'seed');
    const groupOf = (r) => others.map((a) => `${a}=${r.params[a]}`).join(', ') || 'all runs';
    const sizes = [...new Set(runs.map((r) => Number(r.params[size])))].sort((a, b) => a - b);
    const groups = [...new Set(runs.map(groupOf))];
    const cell = new Map();
    for (const r of runs) if (r.final_test_acc !== undefined && r.final_test_acc !== null) {
      const k = groupOf(r) + '|' + Number(r.params[size]);
      const c = cell.get(k) || { sum: 0, n: 0 };
      c.sum += r.final_test_acc; c.n++; cell.set(k, c);
    }
    const t = el('table', { class: 'heat' }, el('thead', {}, el('tr', {}, el('th', {}, 'group \\ ' + size), sizes.map((s) => el('th', { class: 'num' }, fmt(s))))),
      el('tbody', {}, groups.map((g) => el('tr', {}, el('td', {}, g), sizes.map((s) => {
        const c = cell.get(g + '|' + s);
        const td = el('td', { title: c ? `${c.n} run(s)` : 'not run yet' }, c ? pct(c.sum / c.n) : '');
        if (c) { const v = c.sum / c.n; td.style.background = viridis(v * 0.92); td.style.color = v > 0.6 ? '#111' : '#fff'; }
        return td;
      })))));
    heatBox.append(el('h2', {}, 'Final test accuracy by size (mean over seeds)'), el('div', { class: 'card' }, t));
  }

  const tbody = el('tbody');
  // sort keys: a value per run (numbers sort as numbers, missing values last); 'params' sorts by the colour-by axis
  const SORTS = {
    run: (r) => r.id, params: (r) => r.params[state.colorBy], status: (r) => r.outcome || r.status, steps: (r) => r.steps,
    memorized: (r) => r.memorization_step, generalized: (r) => r.generalization_step, final: (r) => r.final_test_acc, state: (r) => r.advisor || r.phase,
  };
  const cmp = (a, b) => {
    const na = a === undefined || a === null || a === '', nb = b === undefined || b === null || b === '';
    if (na || nb) return na && nb ? 0 : na ? 1 : -1;
    const x = Number(a), y = Number(b);
    return isFinite(x) && isFinite(y) ? (x - y) * state.sortDir : String(a).localeCompare(String(b)) * state.sortDir;
  };
  const rowText = (r) => [r.id, Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' '), r.status, r.outcome || '', r.advisor || '', r.phase || ''].join(' ').toLowerCase();
  function shownRuns() {
    const terms = state.filter.toLowerCase().split(/\s+/).filter((t) => t);
    let list = runs.filter((r) => terms.every((t) => rowText(r).includes(t)));
    if (state.sortBy && SORTS[state.sortBy]) {
      const key = SORTS[state.sortBy];
      list = list.map((r, i) => [r, i]).sort(([a, i], [b, j]) => cmp(key(a), key(b)) || i - j).map(([r]) => r);
    }
    return list;
  }
  // a large sweep's table comes in pages: 10,000 cells cost the browser seconds of layout, and a page of rows is what
  // a reader scans; filter and sort work on every run
  const PAGE = 200;
  let tableLimit = PAGE;
  const more = el('div', { class: 'controls', id: 'runs-more' });
  function renderTable() {
    const { map } = axisColors(runs, state.colorBy);
    clear(tbody);
    const all = shownRuns(), list = all.slice(0, tableLimit);
    const count = $('#runs-count');
    if (count) count.textContent = (all.length === runs.length ? `${runs.length} runs` : `${all.length} of ${runs.length} runs`)
      + (list.length < all.length ? ` (the first ${list.length} shown)` : '');
    clear(more);
    if (list.length < all.length)
      more.append(el('button', { type: 'button', onclick: () => { tableLimit += PAGE; renderTable(); } }, `show ${Math.min(PAGE, all.length - list.length)} more`),
        el('button', { type: 'button', onclick: () => { tableLimit = Infinity; renderTable(); } }, `show all ${all.length}`));
    for (const r of list) {
      const cb = el('input', { type: 'checkbox', checked: state.selected.has(r.id), title: 'overlay / highlight this run',
        onchange: (e) => { if (e.target.checked) state.selected.add(r.id); else state.selected.delete(r.id); drawAll(); tr.classList.toggle('sel', e.target.checked); } });
      const sw_ = el('span', { class: 'swatch' }); sw_.style.background = map.get(String(r.params[state.colorBy])) || '#ccc';
      const tr = el('tr', { class: state.selected.has(r.id) ? 'sel' : null, dataset: { id: r.id } },
        el('td', {}, cb), el('td', {}, sw_, series[r.id] || r.status !== 'pending' ? link(runHref(id + '/runs/' + r.id), r.id) : r.id,
          r.continues ? el('div', { class: 'muted', title: 'an early verdict stopped run ' + r.continues + '; the search trained it on as this run' }, 'continues ' + r.continues) : null),
        el('td', {}, Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join('  ')),
        el('td', {}, badge(r.outcome || r.status), r.reason ? el('div', { class: 'muted' }, r.reason) : null, r.error ? el('div', { class: 'error' }, r.error) : null),
        el('td', { class: 'num' }, r.status === 'running' ? `${fmt(r.step)} / ${fmt(r.steps)}` : fmt(r.steps)),
        el('td', { class: 'num' }, r.status === 'running' ? duration(r.eta_s) : ''),
        el('td', { class: 'num' }, fmt(r.memorization_step)), el('td', { class: 'num' }, fmt(r.generalization_step)),
        el('td', { class: 'num' }, r.final_test_acc === undefined ? '' : pct(r.final_test_acc)),
        el('td', {}, r.advisor ? badge(r.advisor) : r.phase ? badge(r.phase) : ''));
      tbody.append(tr);
    }
  }
  const HEADS = [['', null], ['run', 'run'], ['parameters', 'params'], ['status', 'status'], ['steps', 'steps'], ['ETA', null], ['memorized', 'memorized'],
    ['generalized', 'generalized'], ['final test', 'final'], ['state', 'state']];
  const headRow = el('tr', {}, HEADS.map(([h, key]) => key ? el('th', { class: 'sortable', dataset: { sort: key }, title: 'sort by ' + (key === 'params' ? 'the colour-by axis' : h),
    onclick: () => { if (state.sortBy === key) state.sortDir = -state.sortDir; else { state.sortBy = key; state.sortDir = 1; } markSort(); renderTable(); } }, h) : el('th', {}, h)));
  function markSort() { headRow.querySelectorAll('th[data-sort]').forEach((th) => { th.classList.toggle('up', th.dataset.sort === state.sortBy && state.sortDir > 0); th.classList.toggle('down', th.dataset.sort === state.sortBy && state.sortDir < 0); }); }
  markSort();
  const filter = el('input', { type: 'search', id: 'runs-filter', placeholder: 'filter: words or key=value, e.g. completed seed=1', value: state.filter,
    oninput: (e) => { state.filter = e.target.value; renderTable(); } });
  main.append(heatBox, hpBox, el('h2', {}, 'Runs'), el('div', { class: 'controls' }, filter, el('span', { class: 'muted', id: 'runs-count' }, '')),
    el('div', { class: 'card' }, el('table', { id: 'runs' }, el('thead', {}, headRow), tbody)), more);
  if (sw.scaling) main.append(el('h2', {}, 'Scaling'), el('pre', {}, JSON.stringify(sw.scaling, null, 2)));
  main.append(el('details', {}, el('summary', {}, 'definition'), el('pre', {}, JSON.stringify(sw.definition, null, 2))));
  // charts first: each new chart reads its box's width, and with a long table already in the page that read lays
  // the whole table out
  drawAll(); renderCds(sw.cds); renderHeat(); renderHparams(); renderTable();

  listen(sw.watch, {
    runs: (list) => { runs = list; renderHead(); renderHeat(); renderHparams(); renderTable(); drawAll(); renderEvidence(); },
    reset: () => route(),
    cds: (c) => renderCds(c),
    rows: (byRun) => {
      let fresh = false;
      for (const [rid, m] of Object.entries(byRun)) {
        const s = series[rid];
        if (!s || m.from === 0 || s.columns.join() !== m.columns.join()) { series[rid] = { columns: m.columns, data: m.data }; fresh = true; continue; }
        m.data.forEach((c, k) => { for (const v of c) s.data[k].push(v); });
      }
      drawAll();
      if (fresh) renderTable();
    },
  }, route);
}

// ---- comparing runs ------------------------------------------------------------------------------------------------

const compareHref = (ids) => '#/compare/' + ids.map(encodeURIComponent).join('|');
const COMPARE_METRICS = [['test_acc', 'test accuracy'], ['train_acc', 'train accuracy'], ['test_loss', 'test loss', true], ['train_loss', 'train loss', true],
  ['l2_norm', 'weight norm ‖θ‖₂'], ['dist_from_init', 'distance from initialization'], ['ntk_rel', 'eNTK moved ‖Θt−Θ0‖/‖Θ0‖'],
  ['p_generalize', 'P(generalize within the budget)'], ['softmax_one_share', 'softmax = 1 (share of training set)'], ['lr', 'learning rate']];

/** A config as dotted keys with their values written as JSON (name and description left out: they label, not set). */
function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj || {})) {
    const key = prefix ? prefix + '.' + k : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else if (key !== 'name' && key !== 'description') out[key] = JSON.stringify(v);
  }
  return out;
}

/** The keys whose values differ between the configs (a key one lacks counts), in first-seen order. */
function differingKeys(flats) {
  const keys = [];
  for (const f of flats) for (const k of Object.keys(f)) if (!keys.includes(k)) keys.push(k);
  return keys.filter((k) => flats.some((f) => f[k] !== flats[0][k]));
}

/** Per step of the union of steps: mean, min and max of the runs that have a value there. */
function meanBand(tables) {
  const joined = uPlot.join(tables);
  const xs = joined[0], mean = [], lo = [], hi = [];
  for (let i = 0; i < xs.length; i++) {
    let n = 0, sum = 0, mn = Infinity, mx = -Infinity;
    for (let s = 1; s < joined.length; s++) {
      const v = joined[s][i];
      if (v === null || v === undefined || !isFinite(v)) continue;
      n++; sum += v; mn = Math.min(mn, v); mx = Math.max(mx, v);
    }
    mean.push(n ? sum / n : null); lo.push(n ? mn : null); hi.push(n ? mx : null);
  }
  return [xs, mean, hi, lo];
}

/**
 * Runs grouped by {@code groupOf} (seeds pooled), each group one mean curve of metric {@code name} with its runs'
 * min–max band: the tables, series and bands a Chart takes. {@code column(r, name)}: [steps, values] or null.
 */
function groupedSeries(runs, groupOf, colorOf, column, name, width) {
  const groups = new Map();
  for (const r of runs) { const g = groupOf(r) || 'all runs'; if (!groups.has(g)) groups.set(g, []); groups.get(g).push(r); }
  const tables = [], series = [], bands = [];
  for (const [g, rs] of groups) {
    const cols = rs.map((r) => column(r, name)).filter((c) => c);
    if (!cols.length) continue;
    const [xs, mean, hi, lo] = meanBand(cols);
    const color = colorOf(rs[0]), at = series.length;
    tables.push([xs, mean], [xs, hi], [xs, lo]);
    series.push({ label: `${g} (mean of ${cols.length})`, color, width }, { label: `${g} max`, color, width: 0, legend: false },
      { label: `${g} min`, color, width: 0, legend: false });
    bands.push([at + 1, at + 2, color]);
  }
  return { tables, series, bands };
}

/** RFC 4180 cell; text a spreadsheet would run as a formula made inert (as grokscope csv writes it). */
function csvCell(v) {
  let c = String(v === null || v === undefined ? '' : v);
  if (c && '=+-@'.includes(c[0]) && !/^[-+]?([0-9.]+([eE][-+]?[0-9]+)?|inf|Infinity|NaN)$/.test(c)) c = "'" + c;
  return /[",\n\r]/.test(c) ? '"' + c.replace(/"/g, '""') + '"' : c;
}

async function showCompare(ids) {
  setCrumbs([['#/compare/' + ids.map(encodeURIComponent).join('|'), `comparing ${ids.length} runs`]]);
  const runs = await Promise.all(ids.map((id) => api('/api/run?id=' + encodeURIComponent(id)).then((r) => Object.assign(r, { id }))));
  setLive(false, 'snapshot'); // the runs as they were when the page opened: reload for newer rows
  const main = clear($('#main'));
  charts = [];
  const flats = runs.map((r) => flatten(r.config, '', {}));
  const keys = differingKeys(flats);
  const groupKeys = keys.filter((k) => k !== 'seed');
  const describe = (f, ks) => ks.length ? ks.map((k) => `${k}=${f[k] === undefined ? '–' : f[k]}`).join(' ') : '';
  runs.forEach((r, i) => { r.flat = flats[i]; r.color = PALETTE[i % PALETTE.length]; r.legend = describe(flats[i], keys) || r.label; });

  main.append(el('h1', {}, `Comparing ${runs.length} runs`),
    el('p', { class: 'muted', id: 'differing' }, keys.length ? 'settings that differ: ' + keys.join(', ') : 'the runs share every setting'));
  const rows = runs.map((r) => el('tr', {}, el('td', {}, el('span', { class: 'swatch', dataset: { c: r.color } }), link(runHref(r.id), r.label)),
    el('td', {}, describe(r.flat, keys)), el('td', {}, badge(r.status.status)), el('td', { class: 'num' }, fmt(r.status.memorization_step)),
    el('td', { class: 'num' }, fmt(r.status.generalization_step)), el('td', { class: 'num' }, r.status.final_test_acc === undefined ? '' : pct(r.status.final_test_acc))));
  main.append(el('div', { class: 'card' }, el('table', { id: 'compared' }, el('thead', {}, el('tr', {},
    ['run', 'differing settings', 'status', 'memorized', 'generalized', 'final test'].map((h) => el('th', {}, h)))), el('tbody', {}, rows))));
  main.querySelectorAll('.swatch').forEach((sw) => { sw.style.background = sw.dataset.c; });

  const group = el('input', { type: 'checkbox', id: 'group-seeds', checked: state.groupSeeds, onchange: (e) => {
    state.groupSeeds = e.target.checked;
    history.replaceState(null, '', compareHref(ids) + (state.groupSeeds ? '?group=seed' : ''));
    draw();
  } });
  const csvBtn = el('button', { type: 'button', id: 'csv', onclick: () => download() }, 'download CSV');
  main.append(commonControls(), el('div', { class: 'controls' }, el('label', {}, group, 'group seeds: mean with a min–max band'), csvBtn));
  const grid = el('div', { class: 'grid' });
  main.append(grid);

  const column = (r, name) => {
    const k = r.metrics.columns.indexOf(name);
    return k < 0 ? null : [r.metrics.data[0], r.metrics.data[k]];
  };
  const present = COMPARE_METRICS.filter(([m]) => runs.some((r) => r.metrics.columns.includes(m)));
  function draw() {
    charts.forEach((c) => { c.plot && c.plot.destroy(); c.box.remove(); });
    charts = [];
    for (const [m, title, ylog] of present) {
      let tables = [], series = [], bands = [];
      if (state.groupSeeds) {
        ({ tables, series, bands } = groupedSeries(runs, (r) => describe(r.flat, groupKeys), (r) => r.color, column, m, 2));
      } else {
        for (const r of runs) { const c = column(r, m); if (c) { tables.push(c); series.push({ label: r.legend, color: r.color }); } }
      }
      if (!tables.length) continue;
      const chart = new Chart(grid, { key: 'compare-' + m, title, ylog: !!ylog, series, bands });
      chart.setData(uPlot.join(tables));
    }
  }
  draw();

  function download() {
    const lines = [['run'].concat(keys, ['step', 'metric', 'value']).map(csvCell).join(',')];
    for (const r of runs) {
      const cols = r.metrics.columns, data = r.metrics.data;
      for (let i = 0; i < data[0].length; i++)
        for (let k = 1; k < cols.length; k++) {
          const v = data[k][i];
          if (v === null || v === undefined) continue;
          lines.push([r.label].concat(keys.map((key) => r.flat[key] === undefined ? '' : JSON.parse(r.flat[key])), [data[0][i], cols[k], v]).map(csvCell).join(','));
        }
    }
    const a = el('a', { href: URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' })), download: 'grokscope-runs.csv' });
    document.body.append(a); a.click(); a.remove();
    $('#main').dataset.csv = lines.join('\n'); // for tests: what the file holds
  }
}

// ---- routing -----------------------------------------------------------------------------------------------------

function setCrumbs(list) {
  const c = clear($('#crumbs'));
  list.forEach(([href, text], i) => { if (i) c.append(' / '); c.append(link(href, text)); });
}

async function route() {
  if (source) { source.close(); source = null; }
  setLive(false);
  charts.forEach((c) => c.plot && c.plot.destroy());
  charts = [];
  const h = location.hash.replace(/^#\/?/, '');
  const [kind, ...rest] = h.split('/');
  const id = decodeURIComponent(rest.join('/'));
  try {
    if (kind === 'run' && id) await showRun(id);
    else if (kind === 'sweep' && id) await showSweep(id);
    else if (kind === 'compare' && rest.length) { // each id encoded alone; '?group=seed' when seeds are grouped (a link keeps it)
      const [list, query] = rest.join('/').split('?');
      state.groupSeeds = query === 'group=seed';
      await showCompare(list.split('|').map(decodeURIComponent));
    }
    else await showHome();
  } catch (e) {
    // e.g. the job has not written its directory yet: say so, and look again shortly. A fault of the page's own code
    // is logged as well, so that it is seen as one (the server going away is neither: fetch then fails with a TypeError)
    if (!(e instanceof ApiError) && !(e instanceof TypeError && /fetch/i.test(e.message))) console.error('dashboard:', e);
    const main = clear($('#main'));
    main.append(el('p', { class: 'error', id: 'load-error' }, 'Cannot show this page yet: ' + e.message), el('p', { class: 'muted' }, 'Trying again every few seconds…'));
    setTimeout(() => { if (!source && $('#load-error')) route(); }, 3000);
  }
}

window.addEventListener('hashchange', route);
route();
