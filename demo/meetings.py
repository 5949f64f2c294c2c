"""Demo data: twelve months of a unit's professional meetings (sinh hoạt chuyên môn), recorded
through the meetings services as a secretary would — attendance with reasons, guests from the
propaganda board, agenda items with contributions and conclusions, content updates for
lectures, and action items carried from month to month until closed. Every month's minutes
are approved by the chair except the current month's, which is still a draft.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from accounts.models import Unit, User
from lecturers.enums import LecturerKind
from lecturers.models import Lecturer, Topic
from lecturers.queries import programmes
from meetings import services
from meetings.enums import MinutesState
from meetings.models import ActionItem, Meeting

UTC_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving

# Leaders of the district propaganda board often attend as guests (domain-notes §4.5).
GUESTS = [("Hoàng Văn Sơn", "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận Huyện ủy"),
          ("Nguyễn Thị Lan", "Phó Trưởng Ban Tuyên giáo và Dân vận Huyện ủy")]

ABSENCE_REASONS = ["Đi công tác theo phân công của Huyện ủy", "Dự lớp bồi dưỡng tại Trường Chính trị tỉnh",
                   "Ốm, có giấy của trạm y tế", "Việc gia đình, đã báo cáo lãnh đạo Trung tâm",
                   "Tham gia đoàn kiểm tra của Ủy ban Kiểm tra Huyện ủy", "Dự họp tại Ủy ban nhân dân huyện",
                   "Đang học cao cấp lý luận chính trị"]

THEMES = [
    ("Đổi mới phương pháp giảng dạy theo hướng phát huy tính tích cực của học viên",
     "Đồng chí Phó Giám đốc trình bày tham luận về việc kết hợp thuyết trình với nêu vấn đề, thảo luận nhóm và "
     "sử dụng tình huống thực tiễn của địa phương trong các lớp bồi dưỡng nhận thức về Đảng."),
    ("Ứng dụng công nghệ thông tin, chuyển đổi số trong giảng dạy",
     "Trao đổi về việc thiết kế bài giảng điện tử, sử dụng bản đồ tư duy và hệ thống tài liệu số dùng chung "
     "của Trung tâm; thống nhất mẫu trình chiếu cho các chuyên đề."),
    ("Liên hệ thực tiễn địa phương trong bài giảng lý luận chính trị",
     "Thảo luận cách đưa số liệu kinh tế - xã hội, kết quả xây dựng nông thôn mới và gương điển hình của huyện "
     "vào phần liên hệ của từng bài, tránh liên hệ chung chung."),
    ("Rút kinh nghiệm công tác quản lý lớp học và đánh giá học viên",
     "Đánh giá việc điểm danh, quản lý giờ giấc, ra đề và chấm bài thu hoạch của học viên các lớp đảng viên mới."),
    ("Chuẩn bị Hội thi giảng viên lý luận chính trị giỏi cấp huyện",
     "Bàn kế hoạch chọn giảng viên dự thi, phân công người hỗ trợ soạn giáo án và tổ chức luyện giảng."),
]

CONTRIBUTIONS = [
    "Đề nghị tăng thời lượng thảo luận nhóm, giảm thuyết trình một chiều ở các bài có nội dung dài.",
    "Cần cập nhật số liệu mới nhất của huyện trước khi lên lớp; số liệu trong một số bài giảng đã cũ.",
    "Học viên các lớp ở xã phản ánh tốt về cách liên hệ thực tiễn, đề nghị nhân rộng.",
    "Giáo án một số chuyên đề chưa thể hiện rõ mục tiêu về kỹ năng và thái độ, cần bổ sung.",
    "Đề nghị Trung tâm bố trí thêm máy chiếu cho các lớp tổ chức tại hội trường xã.",
    "Thống nhất dùng chung bộ câu hỏi thảo luận cho các lớp đảng viên mới để bảo đảm chất lượng đồng đều.",
    "Cần quản lý thời gian chặt chẽ hơn, một số buổi giảng kéo dài quá giờ quy định.",
    "Đề nghị tổ chức dự giờ chéo giữa giảng viên chuyên trách và giảng viên kiêm chức.",
    "Tài liệu tham khảo nên được số hóa và đưa lên thư mục dùng chung để giảng viên kiêm chức tiện khai thác.",
]

UPDATES = [
    ("Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và "
     "chuyển đổi số quốc gia", "Bổ sung quan điểm chỉ đạo và nhiệm vụ trọng tâm vào phần liên hệ; nêu các mô hình "
     "chuyển đổi số của huyện."),
    ("Nghị quyết số 66-NQ/TW của Bộ Chính trị về đổi mới công tác xây dựng và thi hành pháp luật",
     "Cập nhật vào phần nói về Nhà nước pháp quyền xã hội chủ nghĩa."),
    ("Nghị quyết số 68-NQ/TW của Bộ Chính trị về phát triển kinh tế tư nhân",
     "Bổ sung quan điểm kinh tế tư nhân là một động lực quan trọng của nền kinh tế; liên hệ doanh nghiệp trên "
     "địa bàn."),
    ("Văn kiện Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
     "Thay các trích dẫn văn kiện Đại hội XIII bằng văn kiện Đại hội XIV ở những nội dung đã có định hướng mới."),
    ("Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ 2025 - 2030",
     "Đưa các chỉ tiêu chủ yếu và ba khâu đột phá của tỉnh vào phần liên hệ thực tiễn."),
    ("Số liệu kinh tế - xã hội năm của huyện (báo cáo của UBND huyện)",
     "Thay số liệu cũ về thu nhập bình quân, tỷ lệ hộ nghèo, số xã đạt chuẩn nông thôn mới nâng cao."),
    ("Quy định về sắp xếp tổ chức bộ máy và chính quyền địa phương hai cấp",
     "Cập nhật tên gọi cơ quan, đơn vị hành chính sau sắp xếp trong các ví dụ và sơ đồ."),
]

TASKS = [
    "Hoàn thiện giáo án chuyên đề sau góp ý của tổ chuyên môn, nộp lãnh đạo Trung tâm duyệt",
    "Cập nhật số liệu kinh tế - xã hội của huyện vào bài giảng",
    "Chuẩn bị bài luyện giảng trước tổ chuyên môn",
    "Xây dựng bộ câu hỏi thảo luận cho lớp đảng viên mới",
    "Tổng hợp ý kiến học viên sau khóa học, báo cáo tại cuộc họp tháng sau",
    "Soạn bài giảng điện tử theo mẫu thống nhất của Trung tâm",
    "Rà soát tài liệu tham khảo, đưa lên thư mục dùng chung",
    "Dự giờ ít nhất một buổi giảng của giảng viên kiêm chức và ghi phiếu dự giờ",
]

CLOSING_NOTES = ["Đã hoàn thành, báo cáo tại cuộc họp", "Đã nộp, lãnh đạo Trung tâm đã duyệt",
                 "Hoàn thành đúng hạn", "Đã cập nhật trong bài giảng tháng này"]


def _month_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _held_on(month: date, rng: random.Random) -> date:
    """A working day early in the month."""
    day = date(month.year, month.month, rng.randint(3, 8))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _utc(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute) - UTC_OFFSET


def _topics(unit: Unit) -> list[Topic]:
    return [topic for programme in programmes(unit.id, include_inactive=False) for topic in programme.topics
            if topic.is_active]


class _MeetingWriter:
    def __init__(self, *, unit: Unit, lecturers: Sequence[Lecturer], secretary: User, director: User,
                 guests: Sequence[tuple[str, str]], rng: random.Random) -> None:
        self.unit, self.lecturers, self.secretary, self.director = unit, list(lecturers), secretary, director
        self.guests, self.rng = list(guests), rng
        self.topics = _topics(unit)
        self.open_items: list[ActionItem] = []
        self.updates = rng.sample(UPDATES, k=len(UPDATES))  # each agreed once, in a random order

    def write(self, month: date, *, now: datetime) -> Meeting:
        rng = self.rng
        day = _held_on(month, rng)
        starts_at = _utc(day, 7, 30)
        ends_at = _utc(day, rng.choice([10, 10, 11]), rng.choice([0, 15, 30, 45]))
        held = ends_at <= now
        meeting = services.open_meeting(
            unit=self.unit, month=month, number=f"{month.month:02d}-BB/TTCT", starts_at=starts_at,
            ends_at=ends_at if held else None, place="Hội trường Trung tâm Chính trị", chair=self.director,
            secretary=self.secretary, actor=self.secretary, now=min(now, starts_at - timedelta(days=2)))
        recorded_at = min(now, ends_at) if held else now
        self._agenda(meeting, month, recorded_at, held=held)
        if not held:
            return meeting
        present = self._attendance(meeting, recorded_at)
        for name, position in rng.sample(self.guests, k=min(len(self.guests), rng.choice([0, 1, 1, 2]))):
            services.add_guest(meeting, full_name=name, position=position, actor=self.secretary, now=recorded_at)
        self._contributions(meeting, present, recorded_at)
        self._review_open_items(meeting, recorded_at)
        self._updates(meeting, recorded_at)
        self._tasks(meeting, present or self.lecturers, day, recorded_at)
        self._conclude(meeting, month, recorded_at)
        return meeting

    def _agenda(self, meeting: Meeting, month: date, now: datetime, *, held: bool) -> None:
        last_month = _month_back(month, 1)
        theme, summary = self.rng.choice(THEMES)
        classes = self.rng.randint(2, 5)
        items = [
            (f"Đánh giá công tác giảng dạy tháng {last_month.month:02d}/{last_month.year}",
             f"Trong tháng, Trung tâm tổ chức {classes} lớp với {classes * self.rng.randint(40, 75)} học viên; "
             "các buổi giảng thực hiện đúng chương trình, kế hoạch.",
             "Các giảng viên thực hiện nghiêm túc kế hoạch giảng dạy; tiếp tục chú trọng liên hệ thực tiễn."),
            (f"Sinh hoạt chuyên đề: {theme}", summary,
             "Thống nhất áp dụng trong các lớp từ tháng sau; tổ chuyên môn theo dõi, đánh giá kết quả."),
            (f"Kế hoạch giảng dạy tháng {month.month:02d}/{month.year}",
             "Thông qua lịch giảng, phân công giảng viên phụ trách các chuyên đề và kế hoạch dự giờ.", ""),
        ]
        for title, text, conclusion in items:
            services.add_agenda_item(meeting, title=title, summary=text, conclusion=conclusion if held else "",
                                     actor=self.secretary, now=now)

    def _attendance(self, meeting: Meeting, now: datetime) -> list[Lecturer]:
        statuses, present = {}, []
        lecturers = {lecturer.id: lecturer for lecturer in self.lecturers}
        for attendance in meeting.attendances:
            roll = self.rng.random()
            full_time = attendance.kind == LecturerKind.FULL_TIME
            if roll < (0.93 if full_time else 0.8):
                statuses[attendance.id] = ("present", "")
                if attendance.lecturer_id in lecturers:
                    present.append(lecturers[attendance.lecturer_id])
            elif roll < 0.98:
                statuses[attendance.id] = ("excused", self.rng.choice(ABSENCE_REASONS))
            else:
                statuses[attendance.id] = ("unexcused", "")
        services.record_attendance(meeting, statuses=statuses, expected_version=None, actor=self.secretary, now=now)
        return present

    def _contributions(self, meeting: Meeting, present: list[Lecturer], now: datetime) -> None:
        speakers = present or self.lecturers
        for item in meeting.agenda_items[:2]:
            for text in self.rng.sample(CONTRIBUTIONS, k=self.rng.randint(1, 3)):
                services.add_contribution(item, speaker=self.rng.choice(speakers).full_name, content=text,
                                          actor=self.secretary, now=now)

    def _review_open_items(self, meeting: Meeting, now: datetime) -> None:
        """At each meeting most tasks due by now are reported done; a few stay open (and overdue)."""
        still_open = []
        for item in self.open_items:
            if item.due_on <= now.date() and self.rng.random() < 0.8:
                services.close_action_item(item, status="done", note=self.rng.choice(CLOSING_NOTES),
                                           actor=self.secretary, now=now, meeting=meeting)
            elif self.rng.random() < 0.05:
                services.close_action_item(item, status="dropped", note="Không còn phù hợp sau khi điều chỉnh "
                                           "kế hoạch", actor=self.secretary, now=now, meeting=meeting)
            else:
                still_open.append(item)
        self.open_items = still_open

    def _updates(self, meeting: Meeting, now: datetime) -> None:
        if not self.topics or not self.updates or self.rng.random() < 0.4:
            return
        title, body = self.updates.pop()
        topics = self.rng.sample(self.topics, k=min(len(self.topics), self.rng.randint(1, 3)))
        services.add_content_update(meeting, title=title, body=body, topics=topics, actor=self.secretary, now=now)

    def _tasks(self, meeting: Meeting, people: list[Lecturer], day: date, now: datetime) -> None:
        for task in self.rng.sample(TASKS, k=self.rng.randint(1, 3)):
            item = services.add_action_item(meeting, description=task, owner=self.rng.choice(people),
                                            due_on=day + timedelta(days=self.rng.choice([14, 21, 25, 30, 45])),
                                            actor=self.secretary, now=now)
            self.open_items.append(item)

    def _conclude(self, meeting: Meeting, month: date, now: datetime) -> None:
        values = {field: getattr(meeting, field) for field in services.DETAIL_FIELDS}
        values["conclusion"] = (
            f"Đồng chí chủ trì kết luận: trong tháng qua các giảng viên đã hoàn thành tốt nhiệm vụ giảng "
            "dạy; yêu cầu tiếp tục đổi mới phương pháp, cập nhật kịp thời các nghị quyết mới vào bài giảng, "
            "thực hiện đúng hạn các nhiệm vụ được giao tại cuộc họp.")
        services.update_meeting(meeting, values=values, expected_version=None, actor=self.secretary, now=now)


def load_meetings(*, unit: Unit, lecturers: Sequence[Lecturer], secretary: User, director: User,
                  guests: Sequence[tuple[str, str]] = GUESTS, now: datetime, rng: random.Random) -> list[Meeting]:
    """Twelve months of ``unit``'s meetings ending with ``now``'s month. ``director`` chairs,
    ``secretary`` keeps the minutes, ``guests`` are (full name, position) of people who may be
    invited; ``lecturers`` are the unit's lecturers (the active ones are expected)."""
    writer = _MeetingWriter(unit=unit, lecturers=lecturers, secretary=secretary, director=director, guests=guests,
                            rng=rng)
    this_month = now.date().replace(day=1)
    meetings = []
    for back in range(11, -1, -1):
        meeting = writer.write(_month_back(this_month, back), now=now)
        if back and meeting.ends_at is not None:
            services.set_meeting_state(meeting, MinutesState.APPROVED, actor=director,
                                       now=min(now, meeting.ends_at + timedelta(days=rng.randint(1, 3))))
        meetings.append(meeting)
    return meetings
