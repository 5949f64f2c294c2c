"""The observation form (phiếu đánh giá giờ giảng) as a Word document, laid out like the
paper form: the state header, the rubric with each visible sheet and the consolidated
score, the observers' comments and running notes (the back of the form), the debrief, any
amendment, and the signature block (domain-notes §2.1, §4.4).

Pure: it reads an observation already loaded with what its page shows and the sheets the
viewer may read, and returns the bytes. Texts go through gettext (the current locale);
numbers follow ``locale``. What the viewer may see is the caller's decision: pass only the
sheets they may read, and ``show_notes=False`` for the observed lecturer.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask_babel import gettext as _

from core.documents import a4_document, layout_table
from core.vietnamese import fold
from reviews import scoring
from reviews.enums import ObservationKind, Rating, ResponseKind
from reviews.models import Observation, Sheet

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SHADE = "E7E6E6"
_TEXT_WIDTH = 16.5  # cm: A4 less the margins below


def docx_filename(observation: Observation) -> str:
    """"phieu-du-gio-<lecturer name folded>-<yyyy-mm-dd>.docx": ASCII, safe everywhere."""
    name = "-".join(fold(observation.lecturer.full_name).split()) or "giang-vien"
    return f"phieu-du-gio-{name}-{observation.date.isoformat()}.docx"


def observation_docx(observation: Observation, sheets: Sequence[Sheet], *, locale: str = "vi",
                     show_notes: bool = True, method: str = scoring.MEAN) -> bytes:
    """The form of ``observation`` showing ``sheets`` (the viewer's readable ones, in order).
    Before finalisation the consolidated column is the provisional result of the submitted
    sheets among them (by ``method``); afterwards it is the result in effect."""
    form = _Form(observation, list(sheets), locale=locale, method=method)
    form.header()
    form.facts()
    form.scores()
    form.comments(show_notes=show_notes)
    form.conclusion()
    form.signatures()
    buffer = io.BytesIO()
    form.document.save(buffer)
    return buffer.getvalue()


class _Form:
    def __init__(self, observation: Observation, sheets: list[Sheet], *, locale: str, method: str) -> None:
        self.observation = observation
        self.sheets = sheets
        self.locale = locale
        self.version = observation.rubric_version
        self.spec = self.version.spec()
        self.document = a4_document()
        self.result = self._result(method)

    # -- figures -------------------------------------------------------------------------
    def _result(self, method: str) -> dict | None:
        """Total, percent, rating and per-criterion scores by code of the consolidated column."""
        if self.observation.is_finalized:
            effective = self.observation.result()
            return {**effective, "per_code": self.observation.result_by_code()}
        submitted = [sheet.score_map() for sheet in self.sheets if sheet.is_submitted]
        if not submitted:
            return None
        consolidation = scoring.consolidate(self.spec, submitted, method=method)
        return {"total": consolidation.total, "percent": consolidation.percent, "rating": consolidation.rating,
                "per_code": consolidation.per_criterion}

    def number(self, value: Decimal | None) -> str:
        return "—" if value is None else format_decimal(value, format="#,##0.##", locale=self.locale)

    def day(self, value: date) -> str:
        return f"{value:%d/%m/%Y}"

    # -- blocks --------------------------------------------------------------------------
    def header(self) -> None:
        table = layout_table(self.document, [Cm(6.5), Cm(9.5)])
        left, right = table.rows[0].cells
        _line(left.paragraphs[0], self.observation.unit.name.upper(), bold=True, size=12)
        _line(left.add_paragraph(), "———", size=10)
        _line(right.paragraphs[0], _("SOCIALIST REPUBLIC OF VIETNAM"), bold=True, size=12)
        _line(right.add_paragraph(), _("Independence - Freedom - Happiness"), bold=True, size=13, underline=True)
        title = self.document.add_paragraph()
        title.paragraph_format.space_before = Pt(18)
        _line(title, self.version.rubric.display_name(self.locale).upper(), bold=True, size=14)
        subtitle = ObservationKind(self.observation.kind).label
        if self.observation.is_unannounced:
            subtitle = f"{subtitle} · {_('Unannounced')}"
        _line(self.document.add_paragraph(), f"({subtitle})", italic=True)

    def facts(self) -> None:
        observation = self.observation
        lecturer = observation.lecturer
        kind = lecturer.label("kind")
        about = ", ".join(part for part in (str(kind), lecturer.position) if part)
        session = observation.session
        self._fact(_("Lecturer"), f"{lecturer.full_name}" + (f" ({about})" if about else ""))
        self._fact(_("Topic"), observation.topic_title or "—")
        if session is not None:
            training_class = session.training_class
            place = f" · {training_class.place}" if training_class.place else ""
            self._fact(_("Class"), f"{training_class.name}{place}")
        self._fact(_("Date"), self.day(observation.date))
        self._fact(_("Observers"), ", ".join(sheet.observer.full_name for sheet in observation.sheets))
        self._fact(_("Chair"), observation.chair.full_name)
        self._fact(_("Rubric"), f"{_('version %(n)s', n=self.version.number)}, "
                                f"{_('maximum %(max)s', max=self.number(self.version.max_total))}")

    def _fact(self, label: str, value: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    def scores(self) -> None:
        _heading(self.document, _("Scores"))
        figures = len(self.sheets) + (1 if self.result else 0)
        columns = [Cm(1), Cm(max(4.0, _TEXT_WIDTH - 2.4 - 1.6 * figures)), Cm(1.4)] + [Cm(1.6)] * figures
        table = self.document.add_table(rows=0, cols=len(columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        headings = ["#", _("Domain · Criterion"), _("Maximum")] + [self._sheet_heading(s) for s in self.sheets]
        if self.result:
            headings.append(_("Consolidated"))
        self._row(table, headings, bold=True, shade=True)
        _repeat_as_header(table.rows[0])
        maps = [sheet.score_map() for sheet in self.sheets]
        for domain in self.version.domains:
            codes = [criterion.code for criterion in domain.criteria]
            self._row(table, [domain.code, domain.display_title(self.locale), self.number(domain.max_total)]
                      + [self._sum(m, codes) for m in maps] + self._consolidated(codes), bold=True, shade=True)
            for criterion in domain.criteria:
                title = criterion.display_title(self.locale) + (f" ({_('critical')})" if criterion.is_critical else "")
                self._row(table, [criterion.code, title, self.number(criterion.max_points)]
                          + [self.number(m.get(criterion.code)) for m in maps] + self._consolidated([criterion.code]))
        self._totals(table)
        _widths(table, columns)
        self._spread()

    def _sheet_heading(self, sheet: Sheet) -> str:
        return sheet.observer.full_name + ("" if sheet.is_submitted else f" ({_('draft')})")

    def _sum(self, scores: dict[str, Decimal], codes: list[str]) -> str:
        values = [scores[code] for code in codes if code in scores]
        return self.number(sum(values, Decimal(0))) if values else "—"

    def _consolidated(self, codes: list[str]) -> list[str]:
        return [self._sum(self.result["per_code"], codes)] if self.result else []

    def _totals(self, table) -> None:
        maximum = self.version.max_total
        rows = [(_("Total"), self.number(maximum), [self.number(s.total) for s in self.sheets],
                 self.result and self.number(self.result["total"])),
                (_("Percent"), "100", [self.number(s.percent) for s in self.sheets],
                 self.result and self.number(self.result["percent"])),
                (_("Rating"), "", [_rating(s.rating) for s in self.sheets],
                 self.result and _rating(self.result["rating"]))]
        for label, top, cells, consolidated in rows:
            self._row(table, ["", label, top] + cells + ([consolidated] if self.result else []), bold=True)

    def _row(self, table, values: list[str], *, bold: bool = False, shade: bool = False) -> None:
        for index, (cell, value) in enumerate(zip(table.add_row().cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.bold = bold
            run.font.size = Pt(11)
            if index != 1:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if shade:
                _shade(cell)

    def _spread(self) -> None:
        observation = self.observation
        paragraph = self.document.add_paragraph()
        if observation.is_finalized:
            if observation.amendments:
                paragraph.add_run(_("Amended on %(date)s; the history is below.",
                                    date=self.day(observation.amendments[-1].at.date())) + " ").italic = True
            spread = _("spread: standard deviation %(sd)s, range %(range)s",
                       sd=self.number(observation.spread_stdev), range=self.number(observation.spread_range))
            paragraph.add_run(spread[:1].upper() + spread[1:] + ".")
            disagree = observation.disagreement
        elif self.result:
            paragraph.add_run(_("Provisional consolidated result:") + " ").italic = True
            submitted = [sheet.total for sheet in self.sheets if sheet.is_submitted and sheet.total is not None]
            disagree = scoring.is_disagreement(max(submitted) - min(submitted), self.version.max_total) \
                if submitted else False
        else:
            disagree = False
        if disagree:
            # The msgid is shared with the page, where "%%" is escaped; a variable makes gettext format it.
            warning = paragraph.add_run(
                " " + _("Observers disagree: the totals differ by more than 15 %% of the maximum", share=15))
            warning.bold = True
            warning.font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)

    def comments(self, *, show_notes: bool) -> None:
        if not self.sheets:
            return
        _heading(self.document, _("General comments on the lesson"))
        for sheet in self.sheets:
            name = self.document.add_paragraph()
            name.paragraph_format.space_before = Pt(6)
            name.add_run(_("Comments of %(name)s", name=sheet.observer.full_name)).bold = True
            fields = [(_("Strengths"), sheet.strengths), (_("Shortcomings"), sheet.shortcomings),
                      (_("Recommendations"), sheet.recommendations)]
            if show_notes:
                fields.insert(0, (_("Running notes"), sheet.notes))
            for label, text in fields:
                self._text(label, text)

    def _text(self, label: str, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        if label:
            paragraph.add_run(f"{label}: ").italic = True
        lines = (text or "").strip().splitlines() or ["—"]
        paragraph.add_run(lines[0])
        for line in lines[1:]:
            run = paragraph.add_run()
            run.add_break()
            run.add_text(line)

    def conclusion(self) -> None:
        observation = self.observation
        if observation.is_finalized:
            _heading(self.document, _("Debrief"))
            self._text("", observation.debrief)
            self._text(_("Agreed action points"), self.result["action_points"] or _("None recorded."))
        if observation.amendments:
            _heading(self.document, _("History of amendments"))
            for amendment in observation.amendments:
                change = _("total %(old)s → %(new)s, rating %(old_rating)s → %(new_rating)s",
                           old=self.number(Decimal(amendment.before["total"])),
                           new=self.number(Decimal(amendment.after["total"])),
                           old_rating=_rating(amendment.before["rating"]),
                           new_rating=_rating(amendment.after["rating"]))
                self._text(f"{self.day(amendment.at.date())} · {amendment.by.full_name}",
                           f"{change}\n{_('Reason:')} {amendment.reason}")
        if observation.response is not None:
            response = observation.response
            _heading(self.document, _("Lecturer's response"))
            self._text(str(ResponseKind(response.kind).label), response.text)

    def signatures(self) -> None:
        observation = self.observation
        place = (observation.unit.address or "").strip() or "……"
        when = observation.date
        line = self.document.add_paragraph()
        line.paragraph_format.space_before = Pt(12)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.add_run(_("%(place)s, date %(day)s month %(month)s year %(year)s", place=place,
                       day=f"{when.day:02d}", month=f"{when.month:02d}", year=when.year)).italic = True
        observers = [sheet.observer.full_name for sheet in observation.sheets]
        table = layout_table(self.document, [Cm(8), Cm(8)])
        left, right = table.rows[0].cells
        _signature(left, _("OBSERVERS") if len(observers) > 1 else _("OBSERVER"), observers)
        _signature(right, _("CHAIR"), [observation.chair.full_name])


# --- python-docx helpers -------------------------------------------------------------------

def _line(paragraph, text: str, *, bold: bool = False, italic: bool = False, underline: bool = False,
          size: int | None = None) -> None:
    """A centred line of text."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)


def _heading(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run(text.upper()).bold = True


def _rating(code: str | None) -> str:
    return str(Rating(code).label) if code else "—"


def _widths(table, widths: list) -> None:
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _shade(cell) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _SHADE)
    properties.append(shading)


def _repeat_as_header(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _signature(cell, label: str, names: list[str]) -> None:
    _line(cell.paragraphs[0], label, bold=True)
    _line(cell.add_paragraph(), _("(signature and full name)"), italic=True, size=11)
    for name in names:
        spacer = cell.add_paragraph()
        spacer.paragraph_format.space_before = Pt(36)
        _line(spacer, name, bold=True)
