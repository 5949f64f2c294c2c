"""Demo data: lesson plans (giáo án) in every state and practice lectures (luyện giảng) with
their follow-ups, for the district centre — made only through the services
(``lecturers.lesson_plans`` and ``reviews.practice``), so the rules and the audit log hold.

Lesson plans: the lecturers with an account each have plans with real attached files (a .docx
written by python-docx with the plan's outline, one .pdf), stored through ``core.uploads``
under the app's ``UPLOAD_FOLDER``. Between them the plans are in every state: a draft, a plan
waiting for review, changes requested with comments on sections, a resubmitted version, an
approved one, and one approved again in a newer version (the first superseded). The approved
plans cover topics their lecturers teach, so those teaching sessions are no longer flagged.

Practice lectures: the demo lecturer as a new lecturer (ready), the demo lecturer on a new
topic (rehearse again — the follow-up is in the coming days), two contest preparations and a
new topic of colleagues (ready); each with the lecturer's self-assessment, the attendees'
comments under the five headings and some rubric scores.
"""
from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import docx
import sqlalchemy as sa

from accounts.models import Unit, User
from core import uploads
from core.extensions import db
from lecturers import lesson_plans
from lecturers.models import Lecturer, LessonPlan, Programme, TeachingSession, Topic
from reviews import authoring, practice, services
from reviews.enums import PracticePurpose, PracticeVerdict

PERIOD_MINUTES = 45

AUDIENCES = {
    "NTD": "Quần chúng ưu tú là đối tượng kết nạp Đảng ở các chi bộ trên địa bàn huyện; phần lớn là đoàn viên, "
           "trình độ văn hóa từ trung học phổ thông trở lên.",
    "DVM": "Đảng viên mới kết nạp trong năm; nhiều đồng chí là cán bộ, công chức xã và giáo viên.",
    "SCLL": "Cán bộ, công chức cấp xã và bí thư chi bộ thôn, khối chưa qua đào tạo lý luận chính trị.",
    "CNKT": "Cán bộ chủ chốt cấp xã, trưởng các đoàn thể và bí thư chi bộ.",
    "BTCB": "Bí thư, phó bí thư chi bộ và cấp ủy viên cơ sở mới được bầu.",
}

# The three main parts of each topic's content (mục I, II, III).
PARTS = {
    ("NTD", "B1"): ["Khái niệm, nội dung cơ bản của chủ nghĩa Mác - Lênin và tư tưởng Hồ Chí Minh",
                    "Vì sao chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh là nền tảng tư tưởng của Đảng",
                    "Bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái"],
    ("NTD", "B2"): ["Độc lập dân tộc gắn liền với chủ nghĩa xã hội - sợi chỉ đỏ của cách mạng Việt Nam",
                    "Mục tiêu, lý tưởng của Đảng trong giai đoạn hiện nay",
                    "Trách nhiệm của quần chúng ưu tú trong phấn đấu vì mục tiêu, lý tưởng của Đảng"],
    ("NTD", "B3"): ["Sự ra đời của Đảng Cộng sản Việt Nam", "Những thắng lợi to lớn của cách mạng dưới sự lãnh "
                    "đạo của Đảng", "Bản chất, phương thức lãnh đạo của Đảng"],
    ("NTD", "B4"): ["Tổ chức cơ sở đảng: vị trí, chức năng, nhiệm vụ", "Đảng viên: tiêu chuẩn, nhiệm vụ, quyền hạn",
                    "Phấn đấu, rèn luyện để trở thành đảng viên"],
    ("DVM", "B1"): ["Đảng viên và nhiệm vụ, quyền của đảng viên theo Điều lệ Đảng",
                    "Nguyên tắc tập trung dân chủ; tổ chức cơ quan lãnh đạo của Đảng",
                    "Công tác kiểm tra, giám sát và kỷ luật của Đảng"],
    ("DVM", "B2"): ["Nhiệm vụ, quyền hạn của đảng viên", "Tu dưỡng, rèn luyện đạo đức cách mạng của đảng viên",
                    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở chi bộ"],
    ("DVM", "B3"): ["Yêu cầu khách quan của xây dựng, chỉnh đốn Đảng",
                    "Biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hóa\"",
                    "Giải pháp ngăn chặn, đẩy lùi; trách nhiệm của đảng viên mới"],
    ("DVM", "B4"): ["Truyền thống cách mạng của quê hương Nam Đàn",
                    "Đảng bộ huyện lãnh đạo phát triển kinh tế - xã hội qua các thời kỳ",
                    "Phát huy truyền thống, trách nhiệm của đảng viên mới"],
    ("SCLL", "B1"): ["Triết học Mác - Lênin: chủ nghĩa duy vật biện chứng và duy vật lịch sử",
                     "Kinh tế chính trị Mác - Lênin: học thuyết giá trị và giá trị thặng dư",
                     "Chủ nghĩa xã hội khoa học: sứ mệnh lịch sử của giai cấp công nhân"],
    ("SCLL", "B2"): ["Nguồn gốc, quá trình hình thành tư tưởng Hồ Chí Minh",
                     "Nội dung cơ bản của tư tưởng Hồ Chí Minh", "Vận dụng tư tưởng Hồ Chí Minh ở cơ sở"],
    ("SCLL", "B3"): ["Hệ thống chính trị ở cơ sở: cấu trúc và mối quan hệ",
                     "Chức năng, nhiệm vụ của các tổ chức trong hệ thống chính trị cơ sở",
                     "Nâng cao chất lượng hoạt động của hệ thống chính trị cơ sở"],
    ("CNKT", "B1"): ["Bối cảnh và những điểm mới của Văn kiện Đại hội XIV",
                     "Mục tiêu, định hướng phát triển đất nước giai đoạn 2026 - 2030",
                     "Nhiệm vụ, giải pháp và các đột phá chiến lược"],
    ("CNKT", "B2"): ["Chủ trương của Đảng về chuyển đổi số (Nghị quyết 57-NQ/TW)",
                     "Chuyển đổi số trong hoạt động của cấp ủy, chính quyền, đoàn thể cơ sở",
                     "Mô hình chuyển đổi số ở các xã của huyện"],
    ("BTCB", "B1"): ["Vị trí, vai trò, nhiệm vụ của bí thư chi bộ", "Kỹ năng lãnh đạo, điều hành công tác chi bộ",
                     "Xử lý một số tình huống thường gặp ở chi bộ"],
    ("BTCB", "B2"): ["Nội dung sinh hoạt chi bộ thường kỳ và chuyên đề", "Quy trình tổ chức một buổi sinh hoạt chi bộ",
                     "Nâng cao chất lượng sinh hoạt chi bộ: kinh nghiệm ở cơ sở"],
}

READINGS_CURRENT = ("Bắt buộc: Giáo trình {programme} (Ban Tuyên giáo và Dân vận Trung ương, bản cập nhật).\n"
                    "Tham khảo: Văn kiện Đại hội đại biểu toàn quốc lần thứ XIV của Đảng.\n"
                    "Tham khảo: Điều lệ Đảng Cộng sản Việt Nam; Quy định số 232-QĐ/TW thi hành Điều lệ Đảng.\n"
                    "Tham khảo: Nghị quyết Đại hội Đảng bộ huyện Nam Đàn nhiệm kỳ 2025 - 2030.")
READINGS_OLD = ("Bắt buộc: Giáo trình {programme} (Ban Tuyên giáo Trung ương).\n"
                "Tham khảo: Văn kiện Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.")
METHODS_GOOD = ("Thuyết trình kết hợp nêu vấn đề; thảo luận nhóm 15 phút (4 nhóm, mỗi nhóm một câu hỏi); "
                "nêu tình huống ở chi bộ để học viên phân tích; hỏi - đáp cuối mỗi phần.")
METHODS_PLAIN = "Thuyết trình là chủ yếu, kết hợp hỏi - đáp."
AIDS = ("Máy chiếu, bài trình chiếu 24 trang theo mẫu thống nhất của Trung tâm; bảng phụ, giấy A0 và bút dạ cho "
        "thảo luận nhóm; phiếu câu hỏi phát tay.")
AIDS_VIDEO = AIDS + "\nVideo tư liệu 3 phút về phong trào xây dựng nông thôn mới của huyện."

# Reviewers' comments by section: when changes are requested, and when approving.
CHANGE_COMMENTS = {
    "general": "Giáo án cơ bản đúng mẫu của Trung tâm; đề nghị đồng chí chỉnh sửa các điểm dưới đây rồi nộp lại.",
    "aims": "Mục tiêu về kỹ năng còn chung chung; cần nêu cụ thể học viên làm được gì sau bài học "
            "(ví dụ: nhận diện biểu hiện suy thoái, liên hệ bản thân khi viết bản tự kiểm điểm).",
    "outline": "Tổng thời gian các phần là {total} phút, vượt thời lượng {periods} tiết ({minutes} phút). Đề nghị "
               "rút ngắn phần I và dành 20 phút cho liên hệ thực tiễn địa phương.",
    "methods": "Phương pháp chủ yếu là thuyết trình; đề nghị bổ sung thảo luận nhóm và một tình huống ở chi bộ "
               "để học viên phân tích.",
    "readings": "Còn dẫn Văn kiện Đại hội XIII ở những nội dung đã có định hướng mới; đề nghị cập nhật theo "
                "Văn kiện Đại hội XIV và Nghị quyết Đại hội Đảng bộ huyện nhiệm kỳ 2025 - 2030.",
    "file": "File đính kèm chưa có phần câu hỏi thảo luận và hướng dẫn tự nghiên cứu.",
}
APPROVAL_COMMENTS = ["Giáo án đạt yêu cầu, đồng ý cho lên lớp.",
                     "Đã tiếp thu đầy đủ ý kiến góp ý. Đồng ý duyệt.",
                     "Nội dung chuẩn xác, phân bổ thời gian hợp lý; lưu ý cập nhật số liệu của huyện trước khi giảng."]

# Practice lectures: what the lecturer says of themselves, and what attendees say by heading.
SELF_ASSESSMENTS = {
    PracticePurpose.NEW_LECTURER: "Lần đầu đứng lớp nên còn hồi hộp ở phần mở đầu. Đã bám sát giáo án, nhưng phần "
                                  "II trình bày nhanh, chưa kịp nêu ví dụ ở địa phương. Cần luyện thêm giọng nói và "
                                  "cách đặt câu hỏi cho học viên.",
    PracticePurpose.NEW_TOPIC: "Chuyên đề mới nên tôi còn phụ thuộc vào slide, chưa làm chủ phần số liệu. Phần "
                               "liên hệ thực tiễn đã chuẩn bị nhưng bị thiếu thời gian, giảng quá giờ khoảng "
                               "{over} phút.",
    PracticePurpose.CONTEST: "Bài giảng đã được chuẩn bị kỹ theo thể lệ hội thi. Tôi tự đánh giá phần nội dung "
                             "tốt, phần dẫn dắt vào bài chưa thật ấn tượng; cần rút gọn slide phần III.",
}
COMMENTS = {
    "content": ["Nội dung chính xác, bám sát giáo trình; làm rõ được trọng tâm của chuyên đề.",
                "Phần II còn dàn trải; nên tập trung vào hai ý chính và bỏ bớt phần lịch sử.",
                "Trích dẫn văn kiện chuẩn xác; cần bổ sung số liệu năm gần nhất của huyện.",
                "Phần liên hệ thực tiễn địa phương tốt, có ví dụ cụ thể ở các xã."],
    "method": ["Có đặt câu hỏi gợi mở nhưng chưa để học viên thảo luận.",
               "Kết hợp tốt thuyết trình với nêu vấn đề; tình huống ở chi bộ thiết thực.",
               "Nên tổ chức thảo luận nhóm 10 phút ở phần III."],
    "demeanour": ["Tác phong chững chạc, tự tin; ngôn ngữ trong sáng.",
                  "Giọng còn đều, nói nhanh ở phần đầu; cần có điểm nhấn.",
                  "Còn nhìn slide nhiều, ít giao lưu ánh mắt với học viên."],
    "slides": ["Slide nhiều chữ, cỡ chữ nhỏ; mỗi trang nên một ý chính.",
               "Slide rõ ràng, có sơ đồ minh họa dễ theo dõi.",
               "Nên thay đoạn văn dài bằng sơ đồ; thêm ảnh tư liệu của địa phương."],
    "timing": ["Quá giờ {over} phút; phần I kéo dài.", "Đúng thời gian quy định.",
               "Phân bổ thời gian chưa hợp lý: phần kết luận còn vội."],
}
DEBRIEFS = {
    PracticePurpose.NEW_LECTURER: "Giảng viên mới có sự chuẩn bị nghiêm túc; các thành viên thống nhất đồng chí đủ "
                                  "điều kiện lên lớp, cần tiếp tục được dự giờ, hỗ trợ trong học kỳ đầu.",
    PracticePurpose.NEW_TOPIC: "Các thành viên góp ý về nội dung, phương pháp, slide và thời gian. {conclusion}",
    PracticePurpose.CONTEST: "Bài giảng đáp ứng yêu cầu của hội thi. Đề nghị hoàn thiện phần dẫn nhập và slide "
                             "trước khi nộp hồ sơ dự thi.",
}
ACTION_POINTS = {
    PracticePurpose.NEW_LECTURER: "1. Lên lớp có người hỗ trợ trong hai buổi đầu.\n2. Dự giờ đồng nghiệp ít nhất "
                                  "hai buổi trong tháng.",
    PracticePurpose.NEW_TOPIC: "1. Rút gọn phần II, bảo đảm đúng thời lượng.\n2. Bổ sung số liệu kinh tế - xã hội "
                               "năm gần nhất của huyện.\n3. Thiết kế lại slide: mỗi trang một ý chính.",
    PracticePurpose.CONTEST: "1. Hoàn thiện giáo án và bài trình chiếu theo góp ý.\n2. Luyện phần dẫn nhập "
                             "không quá 5 phút.",
}


@dataclass
class _People:
    director: User
    reviewer: User
    reviewer2: User
    reviewer3: User
    lecturer: User


class _PlansAndPractice:
    def __init__(self, *, unit: Unit, accounts: dict[str, User], now: datetime, rng: random.Random) -> None:
        self.unit, self.now, self.today, self.rng = unit, now, now.date(), rng
        self.people = _People(**{name: accounts[name] for name in
                                 ("director", "reviewer", "reviewer2", "reviewer3", "lecturer")})
        self.used: dict[int, set[int]] = {}  # lecturer id → topic ids given a plan

    def _at(self, days_ago: int, hour: int = 2) -> datetime:
        """A moment ``days_ago`` days before today (UTC), never after the demo's now."""
        return min(datetime.combine(self.today - timedelta(days=days_ago), time(hour)), self.now - timedelta(minutes=5))

    # -- lesson plans ----------------------------------------------------------------------
    def _topics_of(self, lecturer: Lecturer) -> list[Topic]:
        """The topics the lecturer teaches: coming sessions first, then the latest past ones,
        then the topics on their profile, then the unit's others."""
        sessions = list(db.session.scalars(sa.select(TeachingSession).where(TeachingSession.lecturer_id == lecturer.id)
                                           .order_by(TeachingSession.date, TeachingSession.id)))
        upcoming = [s.topic for s in sessions if s.date >= self.today]
        past = [s.topic for s in reversed(sessions) if s.date < self.today]
        unit_topics = list(db.session.scalars(sa.select(Topic).join(Programme).where(Programme.unit_id == self.unit.id)
                                              .order_by(Programme.id, Topic.code)))
        known = [t for t in unit_topics if (t.programme.code, t.code) in PARTS]
        return list(dict.fromkeys(upcoming + past + sorted(lecturer.topics, key=lambda t: t.id) + known))

    def _topic(self, lecturer: Lecturer) -> Topic:
        used = self.used.setdefault(lecturer.id, set())
        topic = next(t for t in self._topics_of(lecturer) if t.id not in used and (t.programme.code, t.code) in PARTS)
        used.add(topic.id)
        return topic

    @staticmethod
    def _outline(topic: Topic, *, over: int = 0) -> str:
        """The time split of a topic: opening, three parts, local practice, conclusion, adding
        up to its periods (or ``over`` minutes more)."""
        total = topic.periods * PERIOD_MINUTES
        opening, local, closing = 10, 20, 10
        main = total - opening - local - closing
        first, second = round(main * 0.4) + over, round(main * 0.35)
        third = main - round(main * 0.4) - second
        parts = PARTS[(topic.programme.code, topic.code)]
        return "\n".join([f"Ổn định lớp, giới thiệu bài — {opening} phút",
                          f"I. {parts[0]} — {first} phút", f"II. {parts[1]} — {second} phút",
                          f"III. {parts[2]} — {third} phút",
                          f"Liên hệ thực tiễn huyện Nam Đàn — {local} phút",
                          f"Kết luận, củng cố, hướng dẫn tự nghiên cứu — {closing} phút"])

    def _values(self, topic: Topic, *, flawed: bool = False) -> dict:
        """A plan's structured fields; ``flawed`` gives the first draft a reviewer sends back
        (vague skills, over time, lecture only, old documents)."""
        programme = topic.programme
        parts = PARTS[(programme.code, topic.code)]
        return {
            "audience": AUDIENCES.get(programme.code, ""),
            "duration_periods": topic.periods,
            "aims_knowledge": f"Học viên nắm được: {parts[0].lower()}; {parts[1].lower()}.",
            "aims_skills": "Nâng cao kỹ năng." if flawed else
            "Học viên biết liên hệ nội dung bài học với thực tiễn ở chi bộ, cơ quan; nhận diện và phản bác được "
            "một số quan điểm sai trái trên không gian mạng.",
            "aims_attitude": "Củng cố niềm tin vào sự lãnh đạo của Đảng; có ý thức tu dưỡng, rèn luyện và "
                             "trách nhiệm nêu gương.",
            "outline": self._outline(topic, over=20 if flawed else 0),
            "methods": METHODS_PLAIN if flawed else METHODS_GOOD,
            "aids": AIDS,
            "readings": (READINGS_OLD if flawed else READINGS_CURRENT).format(programme=programme.name),
        }

    def _upload(self, topic: Topic, values: dict, author: Lecturer, *, version: int = 1,
                pdf: bool = False) -> uploads.Upload:
        short = topic.title if len(topic.title) <= 60 else topic.title[:60].rsplit(" ", 1)[0]
        suffix = f" (bản {version})" if version > 1 else ""
        if pdf:
            return uploads.Upload(_pdf(f"De cuong bai giang {topic.code} - {_ascii(short)}"),
                                  f"Đề cương bài giảng {topic.code} - {short}{suffix}.pdf")
        return uploads.Upload(_docx(topic, values, author), f"Giáo án {topic.code} - {short}{suffix}.docx")

    def _new_plan(self, author: Lecturer, days_ago: int, *, flawed: bool = False, pdf: bool = False,
                  attach: bool = True, old_readings: bool = False) -> LessonPlan:
        topic = self._topic(author)
        values = self._values(topic, flawed=flawed)
        if old_readings:  # written before the documents of the 14th Congress
            values["readings"] = READINGS_OLD.format(programme=topic.programme.name)
        return lesson_plans.create_plan(
            lecturer=author, title=f"Giáo án {topic.code}: {topic.title}", values=values,
            upload=self._upload(topic, values, author, pdf=pdf) if attach else None,
            topic_id=topic.id, actor=author.user, now=self._at(days_ago, 1))

    def _submit(self, plan: LessonPlan, days_ago: int) -> None:
        lesson_plans.submit(plan, actor=plan.lecturer.user, now=self._at(days_ago, 3))

    def _request_changes(self, plan: LessonPlan, reviewer: User, days_ago: int, sections: tuple[str, ...]) -> None:
        version = plan.latest
        total = sum(int(line.rsplit("—", 1)[1].split()[0]) for line in version.outline.splitlines())
        periods = version.duration_periods
        comments = {section: CHANGE_COMMENTS[section].format(total=total, periods=periods,
                                                             minutes=periods * PERIOD_MINUTES)
                    for section in ("general", *sections)}
        lesson_plans.request_changes(plan, actor=reviewer, now=self._at(days_ago, 8), comments=comments)

    def _approve(self, plan: LessonPlan, reviewer: User, days_ago: int) -> None:
        lesson_plans.approve(plan, actor=reviewer, now=self._at(days_ago, 8),
                             comments={"general": self.rng.choice(APPROVAL_COMMENTS)})

    def _revise(self, plan: LessonPlan, days_ago: int, changes: dict, *, new_file: bool = True) -> None:
        author = plan.lecturer
        now = self._at(days_ago, 1)
        lesson_plans.start_revision(plan, actor=author.user, now=now)
        draft = plan.latest
        merged = {name: getattr(draft, name) for name in lesson_plans.PLAN_FIELDS} | changes
        upload = self._upload(plan.topic, merged, author, version=draft.number) if new_file else None
        lesson_plans.save_draft(plan, values=changes, upload=upload, actor=author.user, now=now)

    def _fixes(self, plan: LessonPlan) -> dict:
        """What the lecturer changes after a request: the fields of a good plan that differ."""
        good = self._values(plan.topic)
        return {name: value for name, value in good.items() if getattr(plan.latest, name) != value}

    def plans(self) -> None:
        p = self.people
        own, rev, rev2, rev3, head = (user.lecturer for user in (p.lecturer, p.reviewer, p.reviewer2, p.reviewer3,
                                                                   p.director))
        # The demo lecturer: approved, then approved again in a newer version (the first superseded) —
        # for the topic of their coming session.
        plan = self._new_plan(own, 250, old_readings=True)
        self._submit(plan, 248)
        self._approve(plan, p.director, 245)
        self._revise(plan, 45, {"readings": READINGS_CURRENT.format(programme=plan.topic.programme.name),
                                "aids": AIDS_VIDEO})
        self._submit(plan, 44)
        self._approve(plan, p.director, 42)
        # Changes requested, with comments on sections: what the lecturer reads now.
        plan = self._new_plan(own, 12, flawed=True)
        self._submit(plan, 11)
        self._request_changes(plan, p.reviewer, 9, ("aims", "outline", "readings"))
        # Resubmitted: changes requested on the first version, the second waiting for review.
        plan = self._new_plan(own, 30, flawed=True)
        self._submit(plan, 29)
        self._request_changes(plan, p.director, 26, ("methods", "outline", "file"))
        self._revise(plan, 3, self._fixes(plan))
        self._submit(plan, 2)
        # A draft being written (no file yet), and an outline sent as a PDF waiting for review.
        self._new_plan(own, 1, attach=False)
        plan = self._new_plan(own, 6, pdf=True)
        self._submit(plan, 5)

        # Colleagues: plans approved at once and after one round, one waiting, one draft.
        for author, reviewer, days in ((rev, p.director, 200), (rev2, p.director, 150), (head, p.reviewer, 120),
                                       (rev3, p.director, 90)):
            plan = self._new_plan(author, days)
            self._submit(plan, days - 1)
            self._approve(plan, reviewer, days - 3)
        plan = self._new_plan(rev3, 60, flawed=True)
        self._submit(plan, 59)
        self._request_changes(plan, p.director, 57, ("aims", "methods"))
        self._revise(plan, 50, self._fixes(plan))
        self._submit(plan, 49)
        self._approve(plan, p.director, 47)
        plan = self._new_plan(rev, 4)
        self._submit(plan, 4)
        self._new_plan(rev2, 2, attach=False)

    # -- practice lectures -----------------------------------------------------------------
    def _scores(self, version, level: float) -> dict[str, str]:
        scores = {}
        for criterion in version.criteria:
            steps = int(criterion.max_points / criterion.step)
            share = min(1.0, max(0.0, level + self.rng.gauss(0, 0.08)))
            scores[criterion.code] = str(criterion.step * min(steps, round(share * steps)))
        return scores

    def _practice(self, lecturer: Lecturer, *, purpose: PracticePurpose, days_ago: int, attendees: list[User],
                  scorers: int, level: float, verdict: PracticeVerdict, topic: Topic | None = None,
                  topic_text: str = "", allowed: int = 45, over: int = 0, rehearse_in: int = 0) -> None:
        p = self.people
        on = self.today - timedelta(days=days_ago)
        version = authoring.default_version(self.unit)
        audience = AUDIENCES["DVM"] if topic is None else AUDIENCES.get(topic.programme.code, "")
        observation = practice.schedule_practice(
            unit=self.unit, lecturer=lecturer, attendees=attendees, on=on, purpose=purpose, audience=audience,
            allowed_minutes=allowed, actor=p.director, now=self._at(days_ago + 7, 2), topic=topic,
            topic_text=topic_text, version=version, chair=p.director)
        practice.record_self_assessment(observation, text=SELF_ASSESSMENTS[purpose].format(over=over),
                                        actual_minutes=allowed + over, actor=lecturer.user,
                                        now=self._at(days_ago, 4))
        for index, sheet in enumerate(observation.sheets):
            attendee = sheet.observer
            comments = {heading: self.rng.choice(lines).format(over=over) for heading, lines in COMMENTS.items()}
            if over:
                comments["timing"] = COMMENTS["timing"][0].format(over=over)
            if index < scorers:  # the others only comment (the score is optional)
                services.save_sheet(sheet, scores=self._scores(version, level), texts={}, actor=attendee,
                                    now=self._at(days_ago, 5))
            practice.save_comments(sheet, comments=comments, actor=attendee, now=self._at(days_ago, 5))
            services.submit_sheet(sheet, actor=attendee, now=self._at(days_ago, 6 + index))
        again = verdict == PracticeVerdict.AGAIN
        conclusion = ("Chưa đạt yêu cầu lên lớp; đề nghị luyện giảng lại sau khi chỉnh sửa." if again
                      else "Thống nhất đồng chí đủ điều kiện lên lớp chuyên đề này.")
        practice.give_verdict(
            observation, verdict=verdict, rehearse_by=self.today + timedelta(days=rehearse_in) if again else None,
            debrief=DEBRIEFS[purpose].format(conclusion=conclusion), action_points=ACTION_POINTS[purpose],
            actual_minutes=allowed + over, actor=p.director, now=self._at(days_ago, 9))

    def practices(self) -> None:
        p = self.people
        own = p.lecturer.lecturer
        new_topic = self._topic(own)  # a topic the demo lecturer has no plan for yet
        self._practice(own, purpose=PracticePurpose.NEW_LECTURER, days_ago=340, attendees=[p.director, p.reviewer],
                       scorers=2, level=0.72, verdict=PracticeVerdict.READY, topic=self._topic(own), allowed=45,
                       over=5)
        self._practice(p.reviewer3.lecturer, purpose=PracticePurpose.NEW_TOPIC, days_ago=95,
                       attendees=[p.director, p.reviewer2], scorers=0, level=0.8, verdict=PracticeVerdict.READY,
                       topic=self._topic(p.reviewer3.lecturer), allowed=60)
        self._practice(p.reviewer2.lecturer, purpose=PracticePurpose.CONTEST, days_ago=40,
                       attendees=[p.director, p.reviewer, p.lecturer], scorers=2, level=0.88,
                       verdict=PracticeVerdict.READY, topic_text="Hội thi giảng viên lý luận chính trị giỏi cấp huyện: "
                       "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", allowed=45)
        self._practice(p.reviewer.lecturer, purpose=PracticePurpose.CONTEST, days_ago=18,
                       attendees=[p.director, p.reviewer3], scorers=1, level=0.84, verdict=PracticeVerdict.READY,
                       topic_text="Hội thi giảng viên giỏi: Bảo vệ nền tảng tư tưởng của Đảng trong tình hình mới",
                       allowed=45, over=2)
        # The demo lecturer on a new topic: rehearse again — the follow-up is in the coming days.
        self._practice(own, purpose=PracticePurpose.NEW_TOPIC, days_ago=8,
                       attendees=[p.director, p.reviewer, p.reviewer2], scorers=1, level=0.62,
                       verdict=PracticeVerdict.AGAIN, topic=new_topic, allowed=90, over=15, rehearse_in=6)


def load_plans_and_practice(*, unit: Unit, accounts: dict[str, User], now: datetime, rng: random.Random) -> None:
    """Lesson plans and practice lectures of ``unit`` (the centre of the demo accounts)."""
    builder = _PlansAndPractice(unit=unit, accounts=accounts, now=now, rng=rng)
    builder.plans()
    builder.practices()
    db.session.flush()


# -- files -------------------------------------------------------------------------------------


def _docx(topic: Topic, values: dict, author: Lecturer) -> bytes:
    """A lesson plan as Word writes it: the centre's outline of a giáo án (domain notes §5)."""
    document = docx.Document()
    document.add_paragraph("TRUNG TÂM CHÍNH TRỊ HUYỆN NAM ĐÀN")
    document.add_heading("GIÁO ÁN", level=0)
    document.add_paragraph(f"Tên bài: {topic.code}. {topic.title}")
    document.add_paragraph(f"Chương trình: {topic.programme.name}")
    document.add_paragraph(f"Đối tượng: {values['audience']}")
    document.add_paragraph(f"Thời lượng: {values['duration_periods']} tiết")
    document.add_paragraph(f"Người soạn: {author.full_name}")
    sections = [
        ("I. MỤC ĐÍCH, YÊU CẦU", [f"Về kiến thức: {values['aims_knowledge']}", f"Về kỹ năng: {values['aims_skills']}",
                                  f"Về tư tưởng, thái độ: {values['aims_attitude']}"]),
        ("II. KẾT CẤU NỘI DUNG VÀ PHÂN BỔ THỜI GIAN", values["outline"].splitlines()),
        ("III. PHƯƠNG PHÁP GIẢNG DẠY", [values["methods"]]),
        ("IV. PHƯƠNG TIỆN, ĐỒ DÙNG DẠY HỌC", values["aids"].splitlines()),
        ("V. TÀI LIỆU", values["readings"].splitlines()),
        ("VI. TIẾN TRÌNH LÊN LỚP", ["Ổn định lớp, giới thiệu bài và mục đích, yêu cầu.",
                                    "Giảng nội dung từng phần: nội dung, hoạt động của giảng viên, hoạt động của "
                                    "học viên, thời gian.", "Liên hệ thực tiễn địa phương.",
                                    "Kết luận, củng cố bài học."]),
        ("VII. CÂU HỎI THẢO LUẬN, ÔN TẬP", ["Phân tích nội dung cơ bản của bài; liên hệ trách nhiệm của bản thân.",
                                           "Ở chi bộ nơi đồng chí sinh hoạt, cần làm gì để thực hiện tốt nội dung "
                                           "này?"]),
    ]
    for heading, lines in sections:
        document.add_heading(heading, level=1)
        for line in lines:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ascii(text: str) -> str:
    """Vietnamese without its marks, for the PDF's built-in font (đ → d)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _pdf(title: str) -> bytes:
    """A one-page PDF with a title line (valid: objects, cross-reference table, trailer)."""
    safe = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 56 780 Td ({safe}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

