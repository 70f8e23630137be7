"""Managers: the trend report live from the journal, how often people overruled each rule, and the staff survey."""
from __future__ import annotations

import os
import tempfile
from typing import Any

from starlette.responses import HTMLResponse, Response

from ...i18n import N_
from .. import adapter
from ..core import Ctx, failure, page, visible_site
from ..views import Labels

MANAGERS = ("supervisor", "auditor", "admin")
SURVEY_READERS = ("admin", "auditor")
SURVEY_UPLOADERS = ("admin",)


def _charts(specs: dict[str, Any]) -> dict[str, str]:
    """The charts as SVG (the report extra's vl-convert); none when it is missing (the tables stay)."""
    from ...render.charts import ChartsUnavailable, render_svg

    try:
        return render_svg(specs)
    except (ChartsUnavailable, ImportError):
        return {}


@page(*MANAGERS)
def dashboard(ctx: Ctx) -> Response:
    """The figures of `kasu report` over every journaled incident (`?full=1`: that very report page,
    printable), and each rule's confirmations and overrides."""
    from ...render import report as rep

    assert ctx.user is not None
    policy = adapter.policy_in_force(ctx.journal)
    if policy is None:
        return failure(ctx, 503, N_("no policy is registered yet"), N_("an author uploads one on the policies page"))
    limited, site = visible_site(ctx.user)
    by = ctx.request.query_params.get("by", "month")
    by = by if by in ("month", "quarter") else "month"
    items = adapter.report_items(ctx.journal, site if limited else None, limited)
    data = rep.aggregate(policy.checked, items, by)
    overrides = adapter.overrides(ctx.journal, site if limited else None, limited)
    if ctx.request.query_params.get("full") == "1":
        html = rep.to_html(data, ctx.lang, _charts(rep.chart_specs(data, ctx.lang)))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})
    labels = Labels(policy.checked)
    rows: list[dict[str, Any]] = []
    for rule, counts in overrides.items():
        decided = counts["confirm"] + counts["override"]
        rows.append({"rule": labels.rule(rule) if rule else None, "confirm": counts["confirm"],
                     "override": counts["override"], "open": counts["open"],
                     "rate": round(100 * counts["override"] / decided) if decided else None})
    rows.sort(key=lambda r: (-int(r["override"]), str(getattr(r["rule"], "label", ""))))
    specs = rep.chart_specs(data, ctx.lang)
    charts = _charts({k: v for k, v in specs.items() if k in ("outcomes", "top_rules")})
    return ctx.render("dashboard.html", data=data, rows=rows, charts=charts, by=by, labels=labels,
                      words=rep.WORDS[ctx.lang])


@page(*SURVEY_READERS)
def surveys(ctx: Ctx) -> Response:
    """The survey's results over every uploaded round (`?full=1`: the printable report)."""
    return _surveys(ctx)


def _surveys(ctx: Ctx, error: str | None = None) -> Response:
    from ...render import survey as sv

    assert ctx.user is not None
    uploads = ctx.desk.store.surveys()
    data = _survey_data(ctx, sv) if uploads else None
    if data is not None and ctx.request.query_params.get("full") == "1":
        return HTMLResponse(sv.to_html(data, ctx.lang, _charts(sv.chart_specs(data, ctx.lang))),
                            headers={"Cache-Control": "no-store"})
    charts = _charts(sv.chart_specs(data, ctx.lang)) if data is not None else {}
    return ctx.render("surveys.html", uploads=uploads, data=data, charts=charts, error=error,
                      can_upload=ctx.user.role in SURVEY_UPLOADERS, status=400 if error else 200)


@page(*SURVEY_UPLOADERS, form=True)
def upload(ctx: Ctx) -> Response:
    """A round of answers (CSV or .xlsx, as `kasu survey report` reads them), kept in the desk's table."""
    assert ctx.user is not None
    answers = ctx.upload("answers")
    if answers is None or not answers.filename:
        return _surveys(ctx, ctx.t(N_("choose a file of answers (CSV or .xlsx)")))
    answers.file.seek(0)
    content = answers.file.read(ctx.desk.settings.max_upload + 1)
    name = os.path.basename(answers.filename)[:100]
    problem = _readable(content, name) if len(content) <= ctx.desk.settings.max_upload else N_("the file is too large")
    if problem is not None:
        return _surveys(ctx, ctx.t(problem))
    round_name = ctx.field("round").strip()[:50] or os.path.splitext(name)[0]
    ctx.desk.store.add_survey(ctx.user.name, name, round_name, content)
    return ctx.redirect("/surveys")


def _table(content: bytes, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from ...reading import read_table

    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="kasu-survey-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        header, rows = read_table(path)
        return header, list(rows)
    finally:
        os.unlink(path)


def _readable(content: bytes, name: str) -> Any:
    from ...render import survey as sv

    try:
        header, rows = _table(content, name)
        sv.classify(header, (), (), [r for _, r in rows[:50]])
    except (ValueError, sv.SurveyError) as exc:
        return exc.args[0] if exc.args else N_("the file cannot be read")
    return None


def _survey_data(ctx: Ctx, sv: Any) -> dict[str, Any] | None:
    answers: list[Any] = []
    rounds: list[str] = []
    kinds: dict[str, str] = {}
    groups: dict[str, str] = {}
    for round_name, content in ctx.desk.store.survey_contents():
        try:
            header, rows = _table(content, "answers.xlsx" if content[:2] == b"PK" else "answers.csv")
            columns = sv.classify(header, (), (), [r for _, r in rows[:50]])
        except (ValueError, sv.SurveyError):
            continue
        got, _bad = sv.parse_rows(rows, columns, round_name or "-", ctx.lang)
        answers += got
        rounds = list(dict.fromkeys(rounds + [a.round for a in got]))
        kinds.update({key: label for _, key, label in columns.conduct if key not in kinds})
        groups.update({key: label for _, key, label in columns.groups if key not in groups})
    if not answers:
        return None
    data: dict[str, Any] = sv.aggregate(answers, list(kinds.items()), list(groups.items()), 5, rounds)
    return data
