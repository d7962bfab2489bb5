(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var UP = "#d62728", DOWN = "#1f5fd6", OTHER = "#6b7280", LINE = "#1d2430";
  var GRID = "#eef0f3", AXIS = "#6b7280", DAY = 86400;
  var FONT = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";
  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

  function cumsum(a) {
    var out = new Float64Array(a.length), acc = 0;
    for (var i = 0; i < a.length; i++) { acc += a[i]; out[i] = acc; }
    return out;
  }
  function lastLE(arr, n, x) {
    var lo = 0, hi = n - 1, k = -1;
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (arr[m] <= x) { k = m; lo = m + 1; } else { hi = m - 1; }
    }
    return k;
  }
  function firstGE(arr, n, x) {
    var lo = 0, hi = n - 1, k = n;
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (arr[m] >= x) { k = m; hi = m - 1; } else { lo = m + 1; }
    }
    return k;
  }
  function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }

  // Time axis: seconds of Seoul wall-clock time (t) map to axis units (u) in which the pauses
  // between intraday sessions shrink to one usual step.
  var GA = cumsum(D.gaps.a), GD = D.gaps.d, KEEP = D.gaps.keep, NG = GA.length;
  var GB = new Float64Array(NG), GR = new Float64Array(NG), GUA = new Float64Array(NG);
  (function () {
    var removed = 0;
    for (var i = 0; i < NG; i++) {
      GB[i] = GA[i] + GD[i]; GR[i] = removed; GUA[i] = GA[i] - removed;
      removed += GD[i] - KEEP;
    }
  })();
  function toU(t) {
    var k = lastLE(GA, NG, t);
    if (k < 0) { return t; }
    if (t >= GB[k]) { return t - GR[k] - (GD[k] - KEEP); }
    return GUA[k] + (t - GA[k]) * KEEP / GD[k];
  }
  function toT(u) {
    var k = lastLE(GUA, NG, u);
    if (k < 0) { return u; }
    if (u >= GUA[k] + KEEP) { return u + GR[k] + (GD[k] - KEEP); }
    return GA[k] + (u - GUA[k]) * GD[k] / KEEP;
  }
  function snapOutOfGap(t) {
    var k = lastLE(GA, NG, t);
    return (k >= 0 && t > GA[k] && t < GB[k]) ? GB[k] : t;
  }

  function makeSeries(s) {
    var t = cumsum(s.t), n = t.length, u = new Float64Array(n), v = new Float64Array(n);
    for (var i = 0; i < n; i++) { u[i] = toU(t[i]); v[i] = s.v[i] === null ? NaN : s.v[i]; }
    return { t: t, u: u, v: v, n: n, total: s.n };
  }
  var EQUITY = makeSeries(D.equity), DRAWDOWN = makeSeries(D.drawdown);
  var PRICES = D.prices.map(makeSeries), CODES = D.codes;
  var FILLS_BY_CODE = CODES.map(function () { return []; });
  var ALL_FILLS = [];
  (function () {
    var F = D.fills;
    for (var i = 0; i < F.t.length; i++) {
      if (F.t[i] === null) { continue; }
      var fill = { t: F.t[i], u: toU(F.t[i]), code: F.c[i], side: F.s[i], q: F.q[i],
        p: F.p[i], cm: F.cm[i], tx: F.tx[i], id: F.id[i] };
      ALL_FILLS.push(fill);
      if (fill.code >= 0 && fill.code < CODES.length) { FILLS_BY_CODE[fill.code].push(fill); }
    }
    FILLS_BY_CODE.forEach(function (list) {
      list.sort(function (a, b) { return a.u - b.u; });
      list.us = Float64Array.from(list.map(function (f) { return f.u; }));
    });
  })();

  var FULL = (function () {
    var lo = Infinity, hi = -Infinity;
    function add(s) { if (s.n) { lo = Math.min(lo, s.u[0]); hi = Math.max(hi, s.u[s.n - 1]); } }
    add(EQUITY); add(DRAWDOWN); PRICES.forEach(add);
    ALL_FILLS.forEach(function (f) { lo = Math.min(lo, f.u); hi = Math.max(hi, f.u); });
    if (!isFinite(lo)) { lo = 0; hi = DAY; }
    if (hi <= lo) { lo -= DAY / 2; hi += DAY / 2; }
    var pad = (hi - lo) * 0.01;
    return [lo - pad, hi + pad];
  })();
  var MIN_SPAN = Math.min(Math.max(60, 5 * (D.step || DAY)), FULL[1] - FULL[0]);
  var view = [FULL[0], FULL[1]];
  var hover = null, drag = null, highlight = null, current = 0, pending = false;

  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function fmtDate(t) {
    var d = new Date(Math.round(t) * 1000);
    return d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate());
  }
  function fmtClock(t, seconds) {
    var d = new Date(Math.round(t) * 1000);
    var s = pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes());
    return seconds ? s + ":" + pad2(d.getUTCSeconds()) : s;
  }
  function fmtStamp(t) {
    var s = fmtDate(t) + " " + WEEKDAYS[new Date(Math.round(t) * 1000).getUTCDay()];
    if (D.intraday) { s += " " + fmtClock(t, Math.round(t) % 60 !== 0); }
    return s;
  }
  function fmtInt(v) {
    if (v === null || !isFinite(v)) { return "n/a"; }
    var r = Math.round(v);
    var s = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (r < 0 ? "-" : "") + s;
  }
  function fmtPct(v, digits) {
    if (v === null || !isFinite(v)) { return "n/a"; }
    return (v * 100).toFixed(digits) + "%";
  }

  function niceStep(raw) {
    if (!(raw > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10)), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }
  function yTicks(lo, hi, count, integer) {
    var step = niceStep((hi - lo) / Math.max(1, count));
    if (integer && step < 1) { step = 1; }
    var out = [], k0 = Math.ceil(lo / step);
    for (var k = k0; k * step <= hi + step * 1e-9 && out.length < 50; k++) { out.push(k * step); }
    return { values: out, step: step };
  }

  var STEPS = [[1, "s"], [5, "s"], [15, "s"], [30, "s"], [60, "m"], [300, "m"], [900, "m"],
    [1800, "m"], [3600, "h"], [7200, "h"], [10800, "h"], [21600, "h"], [43200, "h"],
    [DAY, "d"], [2 * DAY, "d"], [7 * DAY, "w"], [30 * DAY, "M", 1], [91 * DAY, "M", 3],
    [182 * DAY, "M", 6], [365 * DAY, "Y", 1], [730 * DAY, "Y", 2], [1826 * DAY, "Y", 5],
    [3652 * DAY, "Y", 10], [7305 * DAY, "Y", 20], [18262 * DAY, "Y", 50]];
  function xTicks(t0, t1, count) {
    var raw = (t1 - t0) / Math.max(1, count), sd = STEPS[STEPS.length - 1];
    for (var i = 0; i < STEPS.length; i++) {
      if (STEPS[i][0] >= raw && (D.intraday || STEPS[i][0] >= DAY)) { sd = STEPS[i]; break; }
    }
    var out = [], unit = sd[1], guard = 0, t;
    if (unit === "M" || unit === "Y") {
      var d = new Date(t0 * 1000), y = d.getUTCFullYear(), m = d.getUTCMonth(), every = sd[2];
      if (unit === "Y") { y = Math.floor(y / every) * every; m = 0; }
      else { m = Math.floor(m / every) * every; }
      while (guard++ < 3000) {
        t = Date.UTC(y, m, 1) / 1000;
        if (t > t1) { break; }
        if (t >= t0) { out.push(t); }
        if (unit === "Y") { y += every; } else { m += every; y += Math.floor(m / 12); m %= 12; }
      }
    } else {
      var base = unit === "w" ? 4 * DAY : 0;
      for (t = Math.ceil((t0 - base) / sd[0]) * sd[0] + base; t <= t1 && guard++ < 3000;
        t += sd[0]) { out.push(t); }
    }
    return { values: out, unit: unit };
  }
  function xLabel(t, unit, previous) {
    if (unit === "Y") { return String(new Date(t * 1000).getUTCFullYear()); }
    if (unit === "M") { return fmtDate(t).slice(0, 7); }
    if (unit === "d" || unit === "w") { return fmtDate(t); }
    var clock = fmtClock(t, unit === "s");
    if (previous === null || fmtDate(previous) !== fmtDate(t)) {
      return fmtDate(t).slice(5) + " " + clock;
    }
    return clock;
  }

  function Chart(id, height, options) {
    this.container = document.getElementById(id);
    this.height = height;
    this.kind = options.kind;
    this.label = options.label;
    this.series = options.series;
    this.fmt = options.fmt;
    this.axisFmt = options.axisFmt;
    this.integer = options.integer;
    this.fills = options.fills || null;
    this.pointsLabel = document.getElementById(options.points);
    this.canvas = document.createElement("canvas");
    this.canvas.setAttribute("aria-label", options.label + " chart");
    this.container.appendChild(this.canvas);
    this.ctx = this.canvas.getContext("2d");
    this.l = 0; this.r = 1; this.top = 0; this.b = 1; this.y0 = 0; this.y1 = 1;
    var self = this, c = this.canvas;
    c.addEventListener("mousemove", function (e) {
      var p = self.pos(e);
      if (drag && drag.chart === self) { drag.x1 = clamp(p.x, self.l, self.r); }
      hover = { chart: self, u: self.uOf(p.x), x: p.x, y: p.y, cx: e.clientX, cy: e.clientY };
      redraw();
    });
    c.addEventListener("mouseleave", function () { hover = null; redraw(); });
    c.addEventListener("mousedown", function (e) {
      if (e.button !== 0) { return; }
      var p = self.pos(e);
      drag = { chart: self, x0: clamp(p.x, self.l, self.r), x1: clamp(p.x, self.l, self.r) };
      e.preventDefault();
    });
    c.addEventListener("dblclick", function (e) { e.preventDefault(); resetView(); });
    c.addEventListener("wheel", function (e) {
      e.preventDefault();
      var scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      var dx = e.deltaX * scale, dy = e.deltaY * scale, span = view[1] - view[0];
      if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
        var shift = (Math.abs(dx) > Math.abs(dy) ? dx : dy) / Math.max(1, self.r - self.l) * span;
        setView(view[0] + shift, view[1] + shift);
      } else {
        var f = Math.exp(clamp(dy, -300, 300) * 0.002), center = self.uOf(self.pos(e).x);
        setView(center - (center - view[0]) * f, center + (view[1] - center) * f);
      }
    }, { passive: false });
  }
  Chart.prototype.pos = function (e) {
    var rect = this.canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  Chart.prototype.xOf = function (u) {
    return this.l + (u - view[0]) / (view[1] - view[0]) * (this.r - this.l);
  };
  Chart.prototype.uOf = function (x) {
    return view[0] + (x - this.l) / Math.max(1, this.r - this.l) * (view[1] - view[0]);
  };
  Chart.prototype.yOf = function (v) {
    return this.b - (v - this.y0) / (this.y1 - this.y0) * (this.b - this.top);
  };
  Chart.prototype.vOf = function (y) {
    return this.y0 + (this.b - y) / (this.b - this.top) * (this.y1 - this.y0);
  };
  Chart.prototype.visibleFills = function () {
    var list = this.fills ? this.fills() : [];
    if (!list.length) { return []; }
    var a = firstGE(list.us, list.length, view[0]), z = lastLE(list.us, list.length, view[1]);
    return list.slice(a, z + 1);
  };
  Chart.prototype.nearest = function (s, u) {
    if (!s.n) { return -1; }
    var k = firstGE(s.u, s.n, u);
    if (k >= s.n) { return s.n - 1; }
    if (k > 0 && u - s.u[k - 1] < s.u[k] - u) { return k - 1; }
    return k;
  };
  // Two passes so that every chart gets the same plot width: layout() finds the y range and
  // the width of its axis labels, draw(axis) paints with the widest axis of all charts.
  Chart.prototype.layout = function () {
    var w = Math.max(200, this.container.clientWidth), h = this.height;
    var ratio = window.devicePixelRatio || 1, c = this.canvas, ctx = this.ctx, i, v;
    if (c.width !== Math.round(w * ratio) || c.height !== Math.round(h * ratio)) {
      c.width = Math.round(w * ratio); c.height = Math.round(h * ratio);
      c.style.height = h + "px";
    }
    ctx.font = FONT;
    var s = this.series(), fills = this.visibleFills();
    var j0 = s.n ? firstGE(s.u, s.n, view[0]) : 0, j1 = s.n ? lastLE(s.u, s.n, view[1]) : -1;
    var i0 = Math.max(0, j0 - 1), i1 = Math.min(s.n - 1, j1 + 1);
    if (j0 > j1) { j0 = i0; j1 = i1; }
    var lo = Infinity, hi = -Infinity;
    for (i = j0; i <= j1; i++) {
      v = s.v[i];
      if (v === v) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    fills.forEach(function (f) {
      if (f.p !== null) { lo = Math.min(lo, f.p); hi = Math.max(hi, f.p); }
    });
    this.w = w; this.s = s; this.visible = fills; this.i0 = i0; this.i1 = i1;
    this.top = 8; this.b = h - 22; this.l = 8; this.empty = !isFinite(lo);
    if (this.empty) { return 0; }
    if (this.kind === "drawdown") { hi = 0; lo = Math.min(lo, -0.001); }
    if (hi === lo) { var d0 = Math.abs(lo) * 0.01 || 1; lo -= d0; hi += d0; }
    var padding = (hi - lo) * 0.06;
    this.y0 = lo - padding; this.y1 = this.kind === "drawdown" ? hi + padding / 3 : hi + padding;
    var ticks = yTicks(this.y0, this.y1, Math.max(2, Math.floor((this.b - this.top) / 40)),
      this.integer);
    this.ticks = ticks;
    this.labels = ticks.values.map(function (t) { return this.axisFmt(t, ticks.step); }, this);
    var widest = 0;
    this.labels.forEach(function (text) {
      widest = Math.max(widest, ctx.measureText(text).width);
    });
    return widest;
  };
  Chart.prototype.draw = function (axis) {
    var w = this.w, h = this.height, ratio = window.devicePixelRatio || 1, ctx = this.ctx;
    var s = this.s, fills = this.visible, i0 = this.i0, i1 = this.i1, ticks = this.ticks;
    var labels = this.labels, i, v, x, y;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = FONT;
    if (this.pointsLabel) {
      this.pointsLabel.textContent = s.total > s.n
        ? fmtInt(s.n) + " of " + fmtInt(s.total) + " points drawn (min/max of each bucket kept)"
        : (s.total ? fmtInt(s.total) + " points" : "");
    }
    this.r = w - axis - 14;
    if (this.empty) {
      ctx.fillStyle = AXIS; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText("no data in this range", w / 2, h / 2);
      return;
    }
    var l = this.l, r = this.r, top = this.top, b = this.b;
    // grid and axes
    ctx.strokeStyle = GRID; ctx.lineWidth = 1; ctx.fillStyle = AXIS;
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    ticks.values.forEach(function (t, k) {
      var ty = Math.round(this.yOf(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(l, ty); ctx.lineTo(r, ty); ctx.stroke();
      ctx.fillText(labels[k], r + 6, ty);
    }, this);
    var t0 = toT(view[0]), t1 = toT(view[1]);
    var xt = xTicks(t0, t1, Math.max(2, Math.floor((r - l) / 110)));
    var lastX = -Infinity, previous = null;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    xt.values.forEach(function (t) {
      var snapped = snapOutOfGap(t), tx = this.xOf(toU(snapped));
      if (tx < l || tx > r) { return; }
      var text = xLabel(snapped, xt.unit, previous), half = ctx.measureText(text).width / 2;
      if (tx - half < lastX + 10) { return; }
      lastX = tx + half; previous = snapped;
      var gx = Math.round(tx) + 0.5;
      ctx.beginPath(); ctx.moveTo(gx, top); ctx.lineTo(gx, b); ctx.stroke();
      ctx.fillText(text, clamp(tx, l + half, w - half), b + 5);
    }, this);
    ctx.strokeStyle = "#cbd5e1";
    ctx.strokeRect(l + 0.5, top + 0.5, r - l, b - top);
    ctx.save();
    ctx.beginPath(); ctx.rect(l, top, r - l, b - top); ctx.clip();
    if (highlight) {
      var hx0 = this.xOf(highlight[0]), hx1 = this.xOf(highlight[1]);
      ctx.fillStyle = "rgba(255, 196, 0, 0.16)";
      ctx.fillRect(hx0, top, Math.max(2, hx1 - hx0), b - top);
    }
    if (this.kind === "equity" && D.initial_cash > this.y0 && D.initial_cash < this.y1) {
      y = Math.round(this.yOf(D.initial_cash)) + 0.5;
      ctx.setLineDash([4, 4]); ctx.strokeStyle = "#9ca3af";
      ctx.beginPath(); ctx.moveTo(l, y); ctx.lineTo(r, y); ctx.stroke(); ctx.setLineDash([]);
    }
    if (this.kind === "drawdown") {
      var zero = this.yOf(0), open = false, firstX = 0, lastPX = 0;
      ctx.fillStyle = "rgba(31, 95, 214, 0.18)";
      ctx.beginPath();
      for (i = i0; i <= i1; i++) {
        v = s.v[i];
        if (v !== v) {
          if (open) { ctx.lineTo(lastPX, zero); ctx.lineTo(firstX, zero); ctx.closePath(); }
          open = false; continue;
        }
        x = this.xOf(s.u[i]); y = this.yOf(v);
        if (!open) { ctx.moveTo(x, zero); firstX = x; open = true; }
        ctx.lineTo(x, y); lastPX = x;
      }
      if (open) { ctx.lineTo(lastPX, zero); ctx.closePath(); }
      ctx.fill();
    }
    ctx.strokeStyle = this.kind === "drawdown" ? DOWN : LINE;
    ctx.lineWidth = 1.25; ctx.lineJoin = "round";
    ctx.beginPath();
    var pen = false;
    for (i = i0; i <= i1; i++) {
      v = s.v[i];
      if (v !== v) { pen = false; continue; }
      x = this.xOf(s.u[i]); y = this.yOf(v);
      if (pen) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); pen = true; }
    }
    ctx.stroke();
    fills.forEach(function (f) {
      if (f.p === null) { return; }
      var fx = this.xOf(f.u), fy = this.yOf(f.p);
      ctx.beginPath();
      if (f.side > 0) {
        ctx.moveTo(fx, fy); ctx.lineTo(fx - 5, fy + 9); ctx.lineTo(fx + 5, fy + 9);
      } else if (f.side < 0) {
        ctx.moveTo(fx, fy); ctx.lineTo(fx - 5, fy - 9); ctx.lineTo(fx + 5, fy - 9);
      } else {
        ctx.arc(fx, fy, 4, 0, 2 * Math.PI);
      }
      ctx.closePath();
      ctx.fillStyle = f.side > 0 ? UP : f.side < 0 ? DOWN : OTHER;
      ctx.fill();
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 0.75; ctx.stroke();
    }, this);
    if (drag && drag.chart === this && Math.abs(drag.x1 - drag.x0) > 1) {
      ctx.fillStyle = "rgba(100, 116, 139, 0.18)";
      ctx.fillRect(Math.min(drag.x0, drag.x1), top, Math.abs(drag.x1 - drag.x0), b - top);
    }
    if (hover) {
      x = Math.round(this.xOf(hover.u)) + 0.5;
      ctx.strokeStyle = "rgba(29, 36, 48, 0.45)"; ctx.lineWidth = 1; ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, b); ctx.stroke();
      if (hover.chart === this && hover.y >= top && hover.y <= b) {
        y = Math.round(hover.y) + 0.5;
        ctx.beginPath(); ctx.moveTo(l, y); ctx.lineTo(r, y); ctx.stroke();
      }
      ctx.setLineDash([]);
      var k = this.nearest(s, hover.u);
      if (k >= 0 && s.v[k] === s.v[k]) {
        ctx.fillStyle = this.kind === "drawdown" ? DOWN : LINE;
        ctx.beginPath(); ctx.arc(this.xOf(s.u[k]), this.yOf(s.v[k]), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.restore();
    if (hover && hover.chart === this && hover.y >= top && hover.y <= b) {
      var text = this.axisFmt(this.vOf(hover.y), ticks.step / 10);
      var tw = ctx.measureText(text).width + 8;
      ctx.fillStyle = LINE; ctx.fillRect(r + 1, hover.y - 8, tw, 16);
      ctx.fillStyle = "#fff"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
      ctx.fillText(text, r + 5, hover.y);
    }
  };
  Chart.prototype.tooltipLines = function () {
    var s = this.series(), lines = [], k = this.nearest(s, hover.u);
    if (k >= 0) {
      lines.push({ head: true, text: fmtStamp(s.t[k]) });
      lines.push({ text: this.label + "  " + this.fmt(s.v[k]) });
      if (this.kind === "equity") {
        var j = this.nearest(DRAWDOWN, s.u[k]);
        if (j >= 0) { lines.push({ text: "Drawdown  " + fmtPct(DRAWDOWN.v[j], 2) }); }
      }
    }
    var list = this.fills ? this.fills() : [];
    if (list.length) {
      var a = firstGE(list.us, list.length, this.uOf(hover.x - 7));
      var z = lastLE(list.us, list.length, this.uOf(hover.x + 7)), near = [];
      for (var i = a; i <= z; i++) {
        var f = list[i], fy = f.p === null ? hover.y : this.yOf(f.p);
        var mid = f.side > 0 ? fy + 5 : f.side < 0 ? fy - 5 : fy;
        if (Math.abs(mid - hover.y) <= 12) { near.push(f); }
      }
      near.sort(function (p, q) { return Math.abs(p.u - hover.u) - Math.abs(q.u - hover.u); });
      near.slice(0, 6).forEach(function (f) {
        var side = f.side > 0 ? "BUY" : f.side < 0 ? "SELL" : "FILL";
        lines.push({ head: true, cls: f.side > 0 ? "up" : f.side < 0 ? "down" : "",
          text: side + " " + fmtInt(f.q) + " @ " + fmtInt(f.p) + "  " + fmtStamp(f.t) });
        lines.push({ text: "  value " + fmtInt(f.q * f.p) + " · commission " + fmtInt(f.cm) +
          " · tax " + fmtInt(f.tx) + " · order " + (f.id === null ? "n/a" : String(f.id)) });
      });
      if (near.length > 6) { lines.push({ text: "+" + (near.length - 6) + " more fills here" }); }
    }
    return lines;
  };

  var tooltip = document.getElementById("tooltip");
  function updateTooltip() {
    if (!hover || drag) { tooltip.hidden = true; return; }
    var lines = hover.chart.tooltipLines();
    if (!lines.length) { tooltip.hidden = true; return; }
    while (tooltip.firstChild) { tooltip.removeChild(tooltip.firstChild); }
    lines.forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line.text;
      if (line.head) { div.className = "head"; }
      if (line.cls) { div.className += " " + line.cls; }
      tooltip.appendChild(div);
    });
    tooltip.hidden = false;
    var tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
    var left = hover.cx + 16, top = hover.cy + 16;
    if (left + tw > window.innerWidth - 4) { left = hover.cx - tw - 16; }
    if (top + th > window.innerHeight - 4) { top = hover.cy - th - 16; }
    tooltip.style.left = Math.max(4, left) + "px";
    tooltip.style.top = Math.max(4, top) + "px";
  }

  function priceAxis(v) { return fmtInt(v); }
  function pctAxis(v, step) {
    var digits = step >= 0.01 ? 0 : step >= 0.001 ? 1 : 2;
    return fmtPct(v, digits);
  }
  var charts = [
    new Chart("chart-price", 340, { kind: "price", label: "Close", integer: true,
      series: function () { return PRICES[current] || EQUITY; },
      fills: function () { return FILLS_BY_CODE[current] || []; },
      fmt: fmtInt, axisFmt: priceAxis, points: "points-price" }),
    new Chart("chart-equity", 240, { kind: "equity", label: "Equity", integer: true,
      series: function () { return EQUITY; }, fmt: function (v) { return fmtInt(v) + " KRW"; },
      axisFmt: priceAxis, points: "points-equity" }),
    new Chart("chart-drawdown", 150, { kind: "drawdown", label: "Drawdown", integer: false,
      series: function () { return DRAWDOWN; }, fmt: function (v) { return fmtPct(v, 2); },
      axisFmt: pctAxis, points: "points-drawdown" })
  ];

  var zoomLabel = document.getElementById("zoom-range");
  function redraw() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      var axis = 0;
      charts.forEach(function (chart) { axis = Math.max(axis, chart.layout()); });
      charts.forEach(function (chart) { chart.draw(axis); });
      updateTooltip();
      var zoomed = view[0] > FULL[0] || view[1] < FULL[1];
      zoomLabel.textContent = (zoomed ? "zoomed: " : "") + fmtDate(toT(view[0])) + " → " +
        fmtDate(toT(view[1]));
    });
  }
  function setView(a, b) {
    var full = FULL[1] - FULL[0];
    if (!(b > a)) { return; }
    if (b - a < MIN_SPAN) { var m = (a + b) / 2; a = m - MIN_SPAN / 2; b = m + MIN_SPAN / 2; }
    if (b - a >= full) { a = FULL[0]; b = FULL[1]; }
    if (a < FULL[0]) { b += FULL[0] - a; a = FULL[0]; }
    if (b > FULL[1]) { a -= b - FULL[1]; b = FULL[1]; }
    view = [a, b];
    redraw();
  }
  function resetView() { highlight = null; setView(FULL[0], FULL[1]); }

  window.addEventListener("mouseup", function () {
    if (!drag) { return; }
    var d = drag, a = Math.min(d.x0, d.x1), b = Math.max(d.x0, d.x1);
    drag = null;
    if (b - a > 4) { setView(d.chart.uOf(a), d.chart.uOf(b)); } else { redraw(); }
  });
  window.addEventListener("resize", redraw);
  document.getElementById("reset-zoom").addEventListener("click", resetView);

  var select = document.getElementById("code-select");
  var caption = document.getElementById("price-caption");
  CODES.forEach(function (code, i) {
    var option = document.createElement("option");
    option.value = String(i);
    option.textContent = code + " (" + fmtInt(FILLS_BY_CODE[i].length) + " fills)";
    select.appendChild(option);
  });
  function showCode(i) {
    current = i;
    select.value = String(i);
    var bars = PRICES[i] ? PRICES[i].total : 0;
    caption.textContent = (CODES[i] === undefined ? "" : CODES[i] + ": ") + fmtInt(bars) +
      " bars, " + fmtInt((FILLS_BY_CODE[i] || []).length) + " fills";
    redraw();
  }
  select.addEventListener("change", function () { showCode(Number(select.value)); });
  if (CODES.length <= 1) { document.getElementById("code-label").hidden = true; }

  var rows = document.querySelectorAll("tr[data-t0]"), selectedRow = null;
  function openTrade(row) {
    var code = CODES.indexOf(row.getAttribute("data-code"));
    var u0 = toU(Number(row.getAttribute("data-t0")));
    var u1 = toU(Number(row.getAttribute("data-t1")));
    if (code >= 0) { showCode(code); }
    if (selectedRow) { selectedRow.classList.remove("selected"); }
    selectedRow = row; row.classList.add("selected");
    highlight = [u0, u1];
    var span = Math.max(u1 - u0, MIN_SPAN * 4);
    setView(u0 - span * 0.6, u1 + span * 0.6);
    document.getElementById("charts").scrollIntoView({ behavior: "smooth", block: "start" });
  }
  Array.prototype.forEach.call(rows, function (row) {
    row.addEventListener("click", function () { openTrade(row); });
    row.addEventListener("keydown", function (e) { if (e.key === "Enter") { openTrade(row); } });
  });

  showCode(0);
})();
