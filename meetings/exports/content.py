"""What the minutes say, once, as a list of blocks both exports lay out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import to_user_timezone

from meetings.enums import AmendmentTarget, AttendanceStatus
from meetings.models import Meeting
from meetings.presenters import MinutesPage
from reviews.enums import Rating

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    kind: str  # header, title, subtitle, heading, paragraph, bullet, table, signatures, note
    runs: list[Run] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # header: the unit's side; signatures: (label, name)
    right: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # table: the first row is the heading
    widths: list[float] = field(default_factory=list)  # table: relative column widths


def _p(*runs: Run | str) -> Block:
    return Block("paragraph", [run if isinstance(run, Run) else Run(run) for run in runs])


def _labelled(label: str, text: str) -> Block:
    return _p(Run(f"{label}: ", bold=True), text or "—")


def _local(value: datetime) -> datetime:
    return to_user_timezone(value)


def _time(value: datetime) -> str:
    local = _local(value)
    return _("%(hour)s h %(minute)s", hour=f"{local.hour:02d}", minute=f"{local.minute:02d}")


def _date(value: datetime) -> str:
    return f"{_local(value):%d/%m/%Y}"


def month_label(meeting: Meeting) -> str:
    return f"{meeting.month:%m/%Y}"


def _names(lines) -> str:
    return ", ".join(line.lecturer.full_name for line in lines) or "—"


def minutes_blocks(page: MinutesPage) -> list[Block]:
    meeting = page.meeting
    blocks = [_header(meeting), Block("title", [Run(_("MINUTES"), bold=True)]),
              Block("subtitle", [Run(_("Professional meeting of month %(month)s", month=month_label(meeting)),
                                     bold=True)])]
    if not meeting.is_approved:
        blocks.append(Block("note", [Run(_("DRAFT — not yet approved by the chair"), italic=True)]))
    sections = [_time_and_place(page), _participants(page), _proceedings(page), _conclusion(page),
                _assigned(page)]
    for number, (title, body) in enumerate((section for section in sections if section), start=0):
        blocks.append(Block("heading", [Run(f"{_ROMAN[number]}. {title.upper()}", bold=True)]))
        blocks.extend(body)
    if meeting.ends_at:
        blocks.append(_p(_("The meeting ended at %(time)s the same day.", time=_time(meeting.ends_at))))
    blocks.extend(_amendments(page))
    blocks.append(Block("signatures", left=[_("SECRETARY"), meeting.secretary.full_name],
                        right=[_("CHAIR"), meeting.chair.full_name]))
    return blocks


def _header(meeting: Meeting) -> Block:
    local = _local(meeting.starts_at)
    place = (meeting.unit.address or "").strip() or "……"
    dated = _("%(place)s, date %(day)s month %(month)s year %(year)s", place=place, day=f"{local.day:02d}",
              month=f"{local.month:02d}", year=local.year)
    return Block("header", left=[meeting.unit.name.upper(), "*", _("No. %(number)s", number=meeting.number)],
                 right=[_("COMMUNIST PARTY OF VIETNAM"), dated])


def _time_and_place(page: MinutesPage):
    meeting = page.meeting
    text = _("The meeting began at %(time)s on %(date)s at %(place)s.", time=_time(meeting.starts_at),
             date=_date(meeting.starts_at), place=meeting.place or "……")
    return _("Time and place"), [_p(text)]


def _participants(page: MinutesPage):
    meeting = page.meeting
    guests = "; ".join(f"{g.full_name}, {g.position}" if g.position else g.full_name for g in meeting.guests)
    excused = "; ".join(f"{line.lecturer.full_name} ({line.reason})"
                        for line in page.with_status(AttendanceStatus.EXCUSED)) or "—"
    body = [_labelled(_("Chair"), meeting.chair.full_name), _labelled(_("Secretary"), meeting.secretary.full_name),
            _labelled(_("Full-time lecturers present (%(n)s)", n=len(page.present_full_time)),
                      _names(page.present_full_time)),
            _labelled(_("Adjunct lecturers present (%(n)s)", n=len(page.present_adjunct)),
                      _names(page.present_adjunct)),
            _labelled(_("Guests"), guests or "—"), _labelled(_("Absent with reason"), excused),
            _labelled(_("Absent without reason"), _names(page.with_status(AttendanceStatus.UNEXCUSED)))]
    if page.not_recorded:
        body.append(_labelled(_("Not recorded"), _names(page.not_recorded)))
    return _("Participants"), body


def _proceedings(page: MinutesPage):
    meeting, body, number = page.meeting, [], 0
    if page.carried:
        number += 1
        body.append(_p(Run(f"{number}. {_('Action items from earlier meetings')}", bold=True)))
        rows = [[_("Task"), _("Owner"), _("Due date"), _("Status")]]
        for carried in page.carried:
            item = carried.item
            status = str(carried.status_here.label)
            if carried.closed_here and item.closure.note:
                status += f" ({item.closure.note})"
            rows.append([item.description, item.owner.full_name, f"{item.due_on:%d/%m/%Y}", status])
        body.append(Block("table", rows=rows, widths=[6.5, 3.8, 2.4, 4]))
    if meeting.observations:
        number += 1
        body.append(_p(Run(f"{number}. {_('Observations discussed')}", bold=True)))
        for observation in meeting.observations:
            rating = observation.summary()["rating"]
            text = f"{observation.date:%d/%m/%Y} · {observation.lecturer.full_name} · {observation.topic_title}"
            body.append(Block("bullet", [Run(text + (f" · {Rating(rating).label}" if rating else ""))]))
    for item, conclusion, amended in page.agenda:
        number += 1
        body.append(_p(Run(f"{number}. {item.title}", bold=True)))
        if item.summary:
            body.append(_p(item.summary))
        if item.contributions:
            body.append(_p(Run(_("Contributions:"), italic=True)))
            body.extend(Block("bullet", [Run(f"{c.speaker}: ", bold=True), Run(c.content)])
                        for c in item.contributions)
        if conclusion or amended:
            label = _("Conclusion") + (f" ({_('amended')})" if amended else "")
            body.append(_labelled(label, conclusion))
    if page.updates:
        number += 1
        body.append(_p(Run(f"{number}. {_('Content updates for lectures')}", bold=True)))
        for update, text, amended in page.updates:
            topics = "; ".join(f"{topic.code} {topic.title}" for topic in update.topics)
            runs = [Run(update.title + (f" ({_('amended')})" if amended else ""), bold=True),
                    Run(f" — {_('Topics')}: {topics}", italic=True)]
            if text:
                runs.append(Run(f"\n{text}"))
            body.append(Block("bullet", runs))
    if not body:
        body.append(_p("—"))
    return _("Proceedings"), body


def _conclusion(page: MinutesPage):
    return _("Conclusion of the chair"), [_p(page.conclusion or "—")]


def _assigned(page: MinutesPage):
    items = page.meeting.action_items
    if not items:
        return _("Action items assigned"), [_p("—")]
    rows = [["#", _("Task"), _("Owner"), _("Due date")]]
    rows += [[str(number), item.description, item.owner.full_name, f"{item.due_on:%d/%m/%Y}"]
             for number, item in enumerate(items, start=1)]
    return _("Action items assigned"), [Block("table", rows=rows, widths=[1, 9, 4.5, 2.5])]


def _amendments(page: MinutesPage) -> list[Block]:
    meeting = page.meeting
    if not meeting.amendments:
        return []
    blocks = [Block("heading", [Run(_("Amendments after approval").upper(), bold=True)])]
    for amendment in meeting.amendments:
        what = str(AmendmentTarget(amendment.target).label)
        if amendment.target == AmendmentTarget.ATTENDANCE.value:
            after = str(AttendanceStatus(amendment.after["status"]).label)
            after += f" ({amendment.after['reason']})" if amendment.after.get("reason") else ""
        else:
            after = amendment.after.get("text", "")
        blocks.append(Block("bullet", [Run(f"{amendment.at:%d/%m/%Y} · {amendment.by.full_name} · {what}: ",
                                           bold=True), Run(after or "—"),
                                       Run(f"\n{_('Reason:')} {amendment.reason}", italic=True)]))
    return blocks
