"""The self-contained HTML report: content, escaping, thinning of long series, atomic writes,
and (when node is installed) JavaScript that parses and runs against a minimal page."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yeouido.backtest.metrics import compute_stats, drawdown
from yeouido.backtest.report import MAX_POINTS, downsample_indices, write_report
from yeouido.backtest.result import FILL_COLUMNS, ORDER_COLUMNS, TRADE_COLUMNS, Result

SEOUL = "Asia/Seoul"
EVIL = "</script><b>x</b>"


def _index(bars: int, interval: str, start: str) -> pd.DatetimeIndex:
    if interval == "1d":
        return pd.bdate_range(start, periods=bars, tz=SEOUL, name="time")
    days = pd.bdate_range(start, periods=-(-bars // 390))
    offsets = pd.to_timedelta(np.tile(np.arange(390) + 9 * 60, len(days)), unit="min")
    minutes = days.repeat(390) + offsets
    return pd.DatetimeIndex(minutes[:bars], name="time").tz_localize(SEOUL)


def make_result(
    codes: tuple[str, ...] = ("005930", "000660"),
    bars: int = 500,
    fills_per_code: int = 20,
    interval: str = "1d",
    strategy: str = "sma_cross",
    start: str = "2020-01-02",
    seed: int = 0,
) -> Result:
    """A backtest result made of random but consistent data: bars, alternating buy/sell fills
    at the close, FIFO round trips, a random-walk equity curve and its statistics."""
    rng = np.random.default_rng(seed)
    index = _index(bars, interval, start)
    frames: dict[str, pd.DataFrame] = {}
    fill_rows: list[dict[str, object]] = []
    trade_rows: list[dict[str, object]] = []
    order_id = 0
    for code in codes:
        steps = rng.normal(0, 0.01, bars)
        close = np.maximum(100, np.round(50_000 * np.exp(np.cumsum(steps)))).astype(np.int64)
        spread = np.round(close * 0.01).astype(np.int64)
        frames[code] = pd.DataFrame(
            {
                "open": close - spread // 2,
                "high": close + spread,
                "low": close - spread,
                "close": close,
                "volume": rng.integers(1_000, 100_000, bars),
            },
            index=index,
        )
        count = min(fills_per_code - fills_per_code % 2, bars - bars % 2)
        positions = np.sort(rng.choice(bars, size=count, replace=False))
        for entry, leave in zip(positions[::2], positions[1::2], strict=True):
            quantity = int(rng.integers(1, 50)) * 10
            legs = []
            for side, position in (("buy", entry), ("sell", leave)):
                order_id += 1
                price = int(close[position])
                commission = round(price * quantity * 0.00015)
                tax = round(price * quantity * 0.0018) if side == "sell" else 0
                legs.append((price, commission, tax))
                fill_rows.append(
                    {
                        "time": index[position],
                        "order_id": order_id,
                        "code": code,
                        "side": side,
                        "quantity": quantity,
                        "price": price,
                        "commission": commission,
                        "tax": tax,
                    }
                )
            (buy, buy_fee, _), (sell, sell_fee, sell_tax) = legs
            costs = buy_fee + sell_fee + sell_tax
            pnl = (sell - buy) * quantity - costs
            trade_rows.append(
                {
                    "code": code,
                    "entry_time": index[entry],
                    "exit_time": index[leave],
                    "quantity": quantity,
                    "entry_price": buy,
                    "exit_price": sell,
                    "pnl": pnl,
                    "return": pnl / (buy * quantity + buy_fee),
                    "commission": buy_fee + sell_fee,
                    "tax": sell_tax,
                    "bars_held": int(leave - entry),
                }
            )
    fills = pd.DataFrame(fill_rows, columns=list(FILL_COLUMNS))
    fills = fills.sort_values("time", kind="stable").reset_index(drop=True)
    trades = pd.DataFrame(trade_rows, columns=list(TRADE_COLUMNS))
    orders = pd.DataFrame(
        [
            {
                "order_id": row["order_id"],
                "code": row["code"],
                "side": row["side"],
                "order_type": "market",
                "quantity": row["quantity"],
                "price": 0,
                "status": "filled",
                "created_at": row["time"],
                "updated_at": row["time"],
                "filled_quantity": row["quantity"],
                "average_price": row["price"],
                "reason": "",
            }
            for row in fill_rows
        ],
        columns=list(ORDER_COLUMNS),
    )
    initial = 100_000_000
    walk = np.cumsum(rng.normal(10_000, 400_000, bars))
    equity = pd.Series(np.round(initial + walk).astype(np.int64), index=index, name="equity")
    stats = compute_stats(equity, trades, fills, exposure=0.42, initial_equity=initial)
    return Result(
        strategy=strategy,
        params={"fast": 5, "slow": 20},
        symbols=codes,
        interval=interval,
        mode="close",
        initial_cash=initial,
        orders=orders,
        fills=fills,
        trades=trades,
        equity=equity,
        drawdown=drawdown(equity),
        stats=stats,
        bars=frames,
        messages=[(index[0], "started"), (index[-1], "finished")],
        elapsed=1.25,
    )


def report_json(text: str) -> dict[str, object]:
    """The data block of a report."""
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', text, re.DOTALL
    )
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


def inline_script(text: str) -> str:
    """The chart code: the one script element without a type."""
    scripts = re.findall(r"<script>(.*?)</script>", text, re.DOTALL)
    assert len(scripts) == 1
    return str(scripts[0])


def stats_cells(text: str) -> dict[str, str]:
    """Label → formatted value of the statistics table."""
    match = re.search(r'<table class="stats" id="stats">(.*?)</table>', text, re.DOTALL)
    assert match is not None
    pairs = re.findall(r'<th>(.*?)</th><td class="num ?[a-z]*">(.*?)</td>', match.group(1))
    return dict(pairs)


def decode_times(deltas: list[int]) -> list[int]:
    return [int(t) for t in np.cumsum(np.asarray(deltas, dtype=np.int64))]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))


def start_tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.starts


def test_report_is_one_self_contained_document(tmp_path: Path) -> None:
    result = make_result()
    target = tmp_path / "deep" / "er" / "report.html"
    written = write_report(result, target)
    assert written == target
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.rstrip().endswith("</html>")
    assert "http://" not in text
    assert "https://" not in text
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.IGNORECASE)
    assert "<link" not in text.lower()
    assert "@import" not in text and "url(" not in text
    tags = start_tags(text)
    for _, attributes in tags:
        assert "src" not in attributes
        assert not (attributes.get("href") or "").startswith(("http", "//"))
    assert [tag for tag, _ in tags].count("script") == 2
    assert [tag for tag, _ in tags].count("canvas") == 0  # charts are made by the script
    assert result.to_html(tmp_path / "again.html").read_text(encoding="utf-8") == text


def test_header_and_stats_are_formatted(tmp_path: Path) -> None:
    result = make_result()
    result.stats = dataclasses.replace(result.stats, sharpe=math.nan, profit_factor=math.nan)
    text = write_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    stats = result.stats
    cells = stats_cells(text)
    assert cells["Total return"] == f"{stats.total_return * 100:.2f}%"
    assert cells["CAGR"] == f"{stats.cagr * 100:.2f}%"
    assert cells["Max drawdown"] == f"{stats.max_drawdown * 100:.2f}%"
    assert cells["Max drawdown duration"] == f"{stats.max_drawdown_days:,} days"
    assert cells["Volatility (annual)"] == f"{stats.volatility * 100:.2f}%"
    assert cells["Sharpe"] == "n/a"
    assert cells["Profit factor"] == "n/a"
    assert cells["Sortino"] == f"{stats.sortino:.2f}"
    assert cells["Calmar"] == f"{stats.calmar:.2f}"
    assert cells["Trades"] == f"{stats.trades:,}"
    assert cells["Win rate"] == f"{stats.win_rate * 100:.2f}%"
    assert cells["Average trade return"] == f"{stats.average_trade_return * 100:.2f}%"
    assert cells["Exposure"] == "42.00%"
    assert cells["Turnover"] == f"{stats.turnover:.2f} ×/year"
    assert cells["Final equity"] == f"{stats.final_equity:,} KRW"
    assert cells["Commission paid"] == f"{stats.commission:,} KRW"
    assert cells["Tax paid"] == f"{stats.tax:,} KRW"
    assert stats.commission >= 1_000 and "," in cells["Commission paid"]
    assert cells["Orders"] == f"{len(result.orders):,} (filled {len(result.orders):,})"
    assert cells["Fills"] == f"{len(result.fills):,}"
    assert "sma_cross" in text
    assert "fast=5, slow=20" in text
    assert "005930, 000660" in text
    assert f"{stats.start} → {stats.end}" in text
    assert f"{result.initial_cash:,} KRW" in text


def test_data_block_holds_every_fill_and_the_series(tmp_path: Path) -> None:
    result = make_result(codes=("005930", "000660", "035420"), fills_per_code=40)
    text = write_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    data = report_json(text)
    fills = data["fills"]
    assert isinstance(fills, dict)
    assert len(fills["t"]) == len(result.fills) == 120
    assert data["codes"] == ["005930", "000660", "035420"]
    codes = data["codes"]
    assert isinstance(codes, list)
    assert [codes[c] for c in fills["c"]] == result.fills["code"].tolist()
    assert fills["s"] == [1 if s == "buy" else -1 for s in result.fills["side"]]
    assert fills["q"] == result.fills["quantity"].tolist()
    assert fills["p"] == result.fills["price"].tolist()
    assert sum(fills["cm"]) == result.stats.commission
    assert sum(fills["tx"]) == result.stats.tax
    assert fills["id"] == result.fills["order_id"].tolist()
    # daily bars sit at Seoul midnight: wall-clock seconds are whole days
    first = result.fills["time"].iloc[0]
    assert fills["t"][0] == int(first.tz_localize(None).timestamp())
    assert all(t % 86_400 == 0 for t in fills["t"])
    assert data["intraday"] is False
    equity = data["equity"]
    assert isinstance(equity, dict)
    assert equity["v"] == result.equity.tolist()  # short series: every point, whole won
    assert len(decode_times(equity["t"])) == len(result.equity)
    prices = data["prices"]
    assert isinstance(prices, list)
    assert prices[1]["v"] == result.bars["000660"]["close"].tolist()
    # the trade list has one clickable row per trade, and the order count
    assert len(re.findall(r"<tr data-code=", text)) == len(result.trades)
    assert f"{len(result.orders):,} orders" in text


def test_text_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    result = make_result(codes=(EVIL, "005930"), strategy=f"evil {EVIL}")
    result.params = {"note": "</script><script>alert(1)</script>", "q": "\"'&"}
    result.messages = [(result.equity.index[0], f"message {EVIL} <!-- <script>")]
    text = write_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "</script><b>" not in text
    assert "<b>" not in text
    assert "alert(1)</script>" not in text
    assert "&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in text
    assert "<!-- <script>" not in text
    tags = [tag for tag, _ in start_tags(text)]
    assert tags.count("script") == 2
    assert "b" not in tags
    assert text.count("</script>") == 2
    data = report_json(text)
    assert data["strategy"] == f"evil {EVIL}"
    assert data["codes"] == [EVIL, "005930"]
    fills = data["fills"]
    assert isinstance(fills, dict)
    assert fills["c"].count(0) == len(result.fills[result.fills["code"] == EVIL])
    # the JavaScript only ever writes text, never markup
    script = inline_script(text)
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "document.write" not in script


def test_downsampling_keeps_the_extremes_and_bounds_the_points() -> None:
    rng = np.random.default_rng(7)
    values = np.cumsum(rng.normal(0, 1, 200_000))
    values[123_457] = 1e6
    values[3] = -1e6
    keep = downsample_indices(values, 4_000)
    assert len(keep) <= 4_000
    assert np.all(np.diff(keep) > 0)
    assert keep[0] == 0 and keep[-1] == len(values) - 1
    assert {3, 123_457} <= set(keep.tolist())
    # every bucket's extremes: the thinned series has the same range over any chunk of buckets
    chunk = 50 * 2 * -(-len(values) // 1_999)
    for start in range(0, len(values), chunk):
        inside = keep[(keep >= start) & (keep < start + chunk)]
        assert values[inside].max() == values[start : start + chunk].max()
        assert values[inside].min() == values[start : start + chunk].min()
    assert downsample_indices(values[:10], 4_000).tolist() == list(range(10))
    with_nan = values[:50_000].copy()
    with_nan[::3] = np.nan
    thinned = with_nan[downsample_indices(with_nan, 100)]
    assert np.nanmax(thinned) == np.nanmax(with_nan)
    assert np.nanmin(thinned) == np.nanmin(with_nan)
    with pytest.raises(ValueError):
        downsample_indices(values, 3)
    # positions asked for are kept, within the same bound, unless there are too many of them
    wanted = [10, 20, 30_001, 199_998]
    kept = downsample_indices(values, 4_000, keep=wanted)
    assert len(kept) <= 4_000
    assert set(wanted) <= set(kept.tolist())
    assert {3, 123_457} <= set(kept.tolist())
    many = np.arange(5, 200_000, 90)
    assert len(downsample_indices(values, 4_000, keep=many)) <= 4_000


def test_a_long_minute_run_is_thinned_but_keeps_every_fill(tmp_path: Path) -> None:
    result = make_result(codes=("005930",), bars=100_000, fills_per_code=3_000, interval="1m")
    result.equity.iloc[54_321] = result.equity.max() + 5_000_000
    result.equity.iloc[77_777] = result.equity.min() - 5_000_000
    result.drawdown = drawdown(result.equity)
    target = write_report(result, tmp_path / "minute.html")
    data = report_json(target.read_text(encoding="utf-8"))
    assert data["intraday"] is True
    equity = data["equity"]
    assert isinstance(equity, dict)
    assert equity["n"] == 100_000
    assert len(equity["v"]) <= MAX_POINTS
    assert max(equity["v"]) == result.equity.max()
    assert min(equity["v"]) == result.equity.min()
    drawn = data["drawdown"]
    assert isinstance(drawn, dict)
    assert len(drawn["v"]) <= MAX_POINTS
    assert min(drawn["v"]) == pytest.approx(result.drawdown.min(), abs=1e-6)
    prices = data["prices"]
    assert isinstance(prices, list)
    assert len(prices[0]["v"]) <= MAX_POINTS
    assert max(prices[0]["v"]) == result.bars["005930"]["close"].max()
    assert min(prices[0]["v"]) == result.bars["005930"]["close"].min()
    times = decode_times(equity["t"])
    assert times == sorted(times)
    fills = data["fills"]
    assert isinstance(fills, dict)
    assert len(fills["t"]) == len(result.fills) == 3_000
    # nights and weekends between sessions are squeezed on the time axis
    gaps = data["gaps"]
    assert isinstance(gaps, dict)
    assert len(gaps["a"]) == 100_000 // 390  # one pause before each session after the first
    assert gaps["keep"] == 60
    assert target.stat().st_size < 1_000_000


def test_a_large_daily_run_stays_a_few_megabytes(tmp_path: Path) -> None:
    codes = tuple(f"{number:06d}" for number in range(1, 28))
    result = make_result(codes=codes, bars=8_000, fills_per_code=74, start="1995-01-02")
    target = write_report(result, tmp_path / "large.html")
    assert len(result.fills) == 27 * 74
    assert target.stat().st_size < 4_000_000
    data = report_json(target.read_text(encoding="utf-8"))
    fills = data["fills"]
    assert isinstance(fills, dict)
    assert len(fills["t"]) == len(result.fills)
    # each price line is thinned, but passes through the bar of every fill of its code
    prices = data["prices"]
    assert isinstance(prices, list)
    for number, line in enumerate(prices):
        assert line["n"] == 8_000
        assert len(line["v"]) <= MAX_POINTS
        times = set(decode_times(line["t"]))
        own = [t for t, c in zip(fills["t"], fills["c"], strict=True) if c == number]
        assert len(own) == 74
        assert set(own) <= times


def test_many_trades_are_capped_with_a_note(tmp_path: Path) -> None:
    result = make_result(codes=("005930", "000660"), bars=6_000, fills_per_code=2_400)
    assert len(result.trades) == 2_400
    text = write_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<tr data-code=", text)) == 2_000
    assert "Showing the first 2,000 of 2,400 trades; 400 left out." in text
    assert len(report_json(text)["fills"]["t"]) == 4_800  # type: ignore[index]


def test_an_empty_run_still_writes_a_report(tmp_path: Path) -> None:
    index = pd.DatetimeIndex([], tz=SEOUL, name="time")
    equity = pd.Series([], index=index, dtype=np.int64)
    fills = pd.DataFrame(columns=list(FILL_COLUMNS))
    trades = pd.DataFrame(columns=list(TRADE_COLUMNS))
    result = Result(
        strategy="idle",
        params={},
        symbols=("005930",),
        interval="1d",
        mode="close",
        initial_cash=1_000_000,
        orders=pd.DataFrame(columns=list(ORDER_COLUMNS)),
        fills=fills,
        trades=trades,
        equity=equity,
        drawdown=drawdown(equity),
        stats=compute_stats(equity, trades, fills, 0.0, 1_000_000),
    )
    text = write_report(result, tmp_path / "empty.html").read_text(encoding="utf-8")
    data = report_json(text)
    assert data["equity"] == {"t": [], "v": [], "n": 0}
    assert "No trades." in text
    assert stats_cells(text)["Win rate"] == "n/a"


def test_the_write_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    write_report(make_result(), target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    write_report(make_result(seed=1), str(target))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html"]
    # a failing rename (the target is a directory) leaves neither a temporary file nor a report
    blocked = tmp_path / "blocked"
    (blocked / "report.html").mkdir(parents=True)
    with pytest.raises(OSError):
        write_report(make_result(), blocked / "report.html")
    assert [path.name for path in blocked.iterdir()] == ["report.html"]
    assert (blocked / "report.html").is_dir()


# A page just big enough for the chart code: elements that remember their listeners and a
# canvas context whose drawing calls do nothing. The script is run, then driven through hover,
# wheel zoom, drag zoom, code switching, a trade click and a reset.
_HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
const [scriptPath, dataPath] = process.argv.slice(2);
const elements = {};
function element(id) {
  const listeners = {};
  return {
    id, hidden: false, value: "", textContent: "", className: "", style: {}, children: [],
    clientWidth: 900, offsetWidth: 120, offsetHeight: 40, width: 0, height: 0,
    classList: { add() {}, remove() {} },
    get firstChild() { return this.children[0] || null; },
    appendChild(child) { this.children.push(child); return child; },
    removeChild(child) { this.children.splice(this.children.indexOf(child), 1); },
    setAttribute() {}, getAttribute(name) { return this.attributes[name]; }, attributes: {},
    addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
    fire(type, event) { (listeners[type] || []).forEach((fn) => fn(event)); },
    getBoundingClientRect() { return { left: 0, top: 0 }; },
    scrollIntoView() {},
    getContext() {
      return new Proxy({}, { get(target, name) {
        if (name === "measureText") { return (text) => ({ width: String(text).length * 6 }); }
        if (name in target) { return target[name]; }
        return () => {};
      }, set(target, name, value) { target[name] = value; return true; } });
    },
  };
}
const canvases = [];
const windowListeners = {};
const trade = element("row");
const document = {
  getElementById(id) {
    if (id === "report-data") { return { textContent: fs.readFileSync(dataPath, "utf8") }; }
    return elements[id] || (elements[id] = element(id));
  },
  createElement(tag) {
    const made = element(tag);
    if (tag === "canvas") { canvases.push(made); }
    return made;
  },
  querySelectorAll() { return [trade]; },
};
const window = {
  devicePixelRatio: 2, innerWidth: 1200, innerHeight: 800,
  requestAnimationFrame(fn) { fn(); },
  addEventListener(type, fn) { (windowListeners[type] = windowListeners[type] || []).push(fn); },
};
const data = JSON.parse(fs.readFileSync(dataPath, "utf8"));
const fillTime = data.fills.t.find((t) => t !== null);
trade.attributes = { "data-code": data.codes[data.codes.length - 1],
  "data-t0": String(fillTime), "data-t1": String(fillTime + 86400 * 3) };
vm.runInNewContext(fs.readFileSync(scriptPath, "utf8"), { document, window, console, Math,
  JSON, Number, String, Float64Array, Array, Date, Infinity, NaN, isFinite, Proxy });
if (canvases.length !== 3) { throw new Error("expected 3 charts, got " + canvases.length); }
const ev = (x, y, extra) => Object.assign({ clientX: x, clientY: y, button: 0,
  preventDefault() {}, deltaX: 0, deltaY: 0, deltaMode: 0, shiftKey: false }, extra || {});
for (const canvas of canvases) {
  for (let x = 10; x < 880; x += 37) { canvas.fire("mousemove", ev(x, 60)); }
  canvas.fire("wheel", ev(400, 50, { deltaY: -240 }));
  canvas.fire("wheel", ev(400, 50, { deltaY: -240, deltaMode: 1 }));
  canvas.fire("wheel", ev(400, 50, { deltaY: 120, shiftKey: true }));
  canvas.fire("mousemove", ev(300, 50));
  canvas.fire("mousedown", ev(200, 50));
  canvas.fire("mousemove", ev(500, 50));
  windowListeners.mouseup.forEach((fn) => fn());
  for (let x = 10; x < 880; x += 53) { canvas.fire("mousemove", ev(x, 100)); }
  canvas.fire("mouseleave", ev(0, 0));
  canvas.fire("dblclick", ev(0, 0));
}
const select = elements["code-select"];
if (select.children.length !== data.codes.length) { throw new Error("codes not listed"); }
select.value = String(data.codes.length - 1);
select.fire("change", {});
canvases[0].fire("mousemove", ev(450, 120));
trade.fire("click", {});
canvases[0].fire("mousemove", ev(450, 120));
elements["reset-zoom"].fire("click", {});
if (!/→/.test(elements["zoom-range"].textContent)) { throw new Error("no zoom range shown"); }
const tip = elements["tooltip"];
const lines = () => tip.children.map((c) => c.textContent);
const seen = lines();
let fill = [];
scan: for (let x = 0; x < 900; x += 5) {
  for (let y = 8; y < 320; y += 8) {
    canvases[0].fire("mousemove", ev(x, y));
    if (lines().some((line) => /^(BUY|SELL) /.test(line))) { fill = lines(); break scan; }
  }
}
console.log(JSON.stringify({ tooltip: seen, fill: fill,
  caption: elements["price-caption"].textContent }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("interval", ["1d", "1m"])
def test_the_chart_code_parses_and_runs(tmp_path: Path, interval: str) -> None:
    node = shutil.which("node")
    assert node is not None
    result = make_result(codes=("005930", EVIL), bars=3_000, fills_per_code=30, interval=interval)
    text = write_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    script = tmp_path / "report.js"
    script.write_text(inline_script(text), encoding="utf-8")
    checked = subprocess.run(
        [node, "--check", str(script)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    data = tmp_path / "data.json"
    data.write_text(json.dumps(report_json(text)), encoding="utf-8")
    harness = tmp_path / "harness.js"
    harness.write_text(_HARNESS, encoding="utf-8")
    ran = subprocess.run(
        [node, str(harness), str(script), str(data)], capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert seen["caption"].startswith(EVIL)
    assert any(line.startswith(("20", "19")) for line in seen["tooltip"])
    # somewhere over the price chart the tooltip tells a fill of the chosen code
    assert any(re.match(r"(BUY|SELL) [\d,]+ @ [\d,]+ ", line) for line in seen["fill"])
    assert any("commission" in line and "order" in line for line in seen["fill"])
