"""Charts for reports: Vega-Lite specifications rendered to inline SVG (text kept as text) by vl-convert.

vl-convert is in the `report` extra; without it `render_svg` raises ChartsUnavailable, whose
message names the install command.
"""
from __future__ import annotations

from typing import Any

from ..i18n import N_

from ..reading.xlsx import INSTALL  # the `report` extra's install command (one spelling for charts and .xlsx)
FONT = ('"Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Yu Gothic", "Meiryo", "IPAexGothic", sans-serif')
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier only: nothing is fetched


class ChartsUnavailable(RuntimeError):
    """The charting library (the `report` extra) is not installed."""

    def __init__(self) -> None:
        super().__init__(N_("HTML reports draw their charts with vl-convert, which is not installed; "
                            "install it with: {install}", install=INSTALL))


# An ordered scale, lightest first, for ordered values (severities, escalations): light orange to dark
# red (ColorBrewer OrRd, without its two palest steps, which vanish on white), and the grey of "none".
ORDERED = ("#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000")
NONE_COLOUR = "#bdbdbd"


def ordered_colours(count: int) -> list[str]:
    """`count` colours from light to dark, spread over ORDERED (the darkest always last).

    >>> ordered_colours(4)
    ['#fdd49e', '#fc8d59', '#d7301f', '#7f0000']
    """
    if count <= 1:
        return list(ORDERED[-count:]) if count else []
    last = len(ORDERED) - 1
    return [ORDERED[round(i * last / (count - 1))] for i in range(count)]


def _base(width: int = 520, height: int = 220) -> dict[str, Any]:
    # The y axis's title is written level, above the axis (never turned on its side beside the
    # labels, where Japanese reads badly and long labels crowd it).
    return {"$schema": SCHEMA, "width": width, "height": height, "background": "white",
            "config": {"font": FONT, "axis": {"labelFontSize": 10, "titleFontSize": 11},
                       "axisY": {"titleAngle": 0, "titleAlign": "right", "titleAnchor": "end", "titleBaseline": "bottom",
                                 "titleX": 0, "titleY": -10, "titlePadding": 0},
                       "legend": {"labelFontSize": 10, "titleFontSize": 11, "labelLimit": 260, "titleLimit": 260}}}


def stacked_periods(rows: list[dict[str, Any]], x_title: str, y_title: str, legend: str,
                    periods: list[str] | None = None, colours: dict[str, str] | None = None) -> dict[str, Any]:
    """Counts per period, stacked by key (rows: period, key, count, order); `periods` in time order
    (every one shown, empty or not), `colours` a colour for each key (an ordered scale), in legend order."""
    spec = _base()
    scale: dict[str, Any] = {"scheme": "tableau10"}
    if colours:
        scale = {"domain": list(colours), "range": list(colours.values())}
    x: dict[str, Any] = {"field": "period", "type": "ordinal", "title": x_title, "axis": {"labelAngle": -45}}
    if periods:
        x["sort"] = periods
        x["scale"] = {"domain": periods}
    spec.update({
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "x": x,
            "y": {"field": "count", "type": "quantitative", "title": y_title, "stack": "zero",
                  "axis": {"tickMinStep": 1, "format": "d"}},
            "color": {"field": "key", "type": "nominal", "title": legend,
                      "sort": list(colours) if colours else {"field": "order"}, "scale": scale},
            "order": {"field": "order"},
        },
    })
    return spec


def bar_chart(rows: list[dict[str, Any]], x_title: str) -> dict[str, Any]:
    """Horizontal bars, one per key, longest first (rows: key, count)."""
    spec = _base(height=max(60, 18 * len(rows)))
    spec.update({
        "data": {"values": rows},
        "mark": {"type": "bar", "color": "#1f4e79"},
        "encoding": {
            "y": {"field": "key", "type": "nominal", "title": None, "sort": "-x", "axis": {"labelLimit": 300}},
            "x": {"field": "count", "type": "quantitative", "title": x_title},
        },
    })
    return spec


def heat_map(rows: list[dict[str, Any]], x_title: str, y_title: str, value_title: str) -> dict[str, Any]:
    """A group × kind heat map of percentages (rows: group, kind, value, label); empty cells stay blank."""
    spec = _base(width=max(200, 34 * len({r["kind"] for r in rows})), height=max(60, 22 * len({r["group"] for r in rows})))
    spec.update({
        "data": {"values": rows},
        "encoding": {
            "x": {"field": "kind", "type": "nominal", "title": x_title, "sort": None,
                  "axis": {"labelAngle": -40, "labelLimit": 160}},
            "y": {"field": "group", "type": "nominal", "title": y_title, "sort": None},
        },
        "layer": [
            {"mark": {"type": "rect"},
             "encoding": {"color": {"field": "value", "type": "quantitative", "title": value_title,
                                    "scale": {"scheme": "orangered", "domain": [0, 100]}}}},
            {"mark": {"type": "text", "fontSize": 10},
             "encoding": {"text": {"field": "label", "type": "nominal"},
                          "color": {"condition": {"test": "datum.value > 60", "value": "white"}, "value": "black"}}},
        ],
    })
    return spec


def grouped_rounds(rows: list[dict[str, Any]], x_title: str, y_title: str, legend: str) -> dict[str, Any]:
    """Percentages per kind, one bar per round side by side (rows: kind, round, value)."""
    spec = _base(width=max(240, 32 * len({r["kind"] for r in rows})))
    spec.update({
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "kind", "type": "nominal", "title": x_title, "sort": None,
                  "axis": {"labelAngle": -40, "labelLimit": 160}},
            "xOffset": {"field": "round", "type": "nominal"},
            "y": {"field": "value", "type": "quantitative", "title": y_title, "scale": {"domain": [0, 100]}},
            "color": {"field": "round", "type": "nominal", "title": legend, "scale": {"scheme": "tableau10"}},
        },
    })
    return spec


def render_svg(specs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each Vega-Lite specification as an SVG string (no network: vl-convert bundles Vega)."""
    try:
        import vl_convert as vlc
    except ImportError:
        raise ChartsUnavailable() from None
    out = {}
    for key, spec in specs.items():
        svg = vlc.vegalite_to_svg(vl_spec=spec)
        if svg.startswith("<?xml"):
            svg = svg[svg.index("?>") + 2:].lstrip()
        out[key] = svg
    return out
