"""Lesson plans (SPEC §3.2): versions kept and compared, reviewers' comments per section,
approval and requests for changes, supersession, no self-approval, the database's guards, the
flags on teaching sessions without an approved plan, the pages and the API."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from accounts import services as account_services
from accounts.enums import Role
from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog, utcnow
from lecturers import lesson_plans, presenters, queries
from lecturers.models import LessonPlan, LessonPlanVersion, PlanComment
from tests import documents, factories
from tests.test_api import assert_conforms


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


NOW = utcnow()


def _states(plan: LessonPlan) -> list[str]:
    db.session.refresh(plan)
    return [version.state for version in plan.versions]


def _audit(plan: LessonPlan) -> list[tuple[str, dict | None, dict | None]]:
    rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.object_type == "LessonPlan",
                                                        AuditLog.object_id == plan.id).order_by(AuditLog.id))
    return [(row.action, row.before, row.after) for row in rows]


def _changes_requested(world, plan=None):
    plan = plan or world.plan
    lesson_plans.request_changes(plan, comments={"general": "Cần bổ sung liên hệ thực tiễn địa phương.",
                                                 "outline": "Phân bổ thời gian chưa hợp lý."},
                                 actor=world.reviewer, now=NOW)
    return plan


# --- The state machine ------------------------------------------------------------------------


def test_a_new_plan_is_a_draft_with_its_file_and_fields(world):
    plan = factories.make_plan(world.lecturer, topic=world.topic, title="Giáo án Đảng viên mới")

    version = plan.latest
    assert (plan.state, version.number, version.audience, version.duration_periods) == (
        "draft", 1, "Quần chúng ưu tú", 4)
    assert (plan.unit_id, plan.programme_id, plan.topic_id) == (world.unit.id, world.programme.id, world.topic.id)
    assert version.file.original_name == "Giáo án Điều lệ Đảng.pdf"
    assert _audit(plan)[0][0] == "plan_created"


def test_submit_then_approve_stamps_and_logs_each_move(world):
    plan = world.plan  # submitted by make_world

    lesson_plans.approve(plan, actor=world.reviewer, now=NOW)

    version = plan.latest
    assert (version.state, version.decided_by_id, version.decided_at) == ("approved", world.reviewer.id, NOW)
    assert version.submitted_at is not None
    moves = [(before["state"], after["state"]) for action, before, after in _audit(plan) if action == "plan_state"]
    assert moves == [("draft", "submitted"), ("submitted", "approved")]


def test_submitting_or_deciding_twice_is_harmless(world):
    plan = world.plan

    lesson_plans.submit(plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.approve(plan, actor=world.reviewer, now=NOW)
    lesson_plans.approve(plan, comments={"general": "Lần hai"}, actor=world.director, now=NOW)

    assert _states(plan) == ["approved"]
    assert plan.latest.decided_by_id == world.reviewer.id
    assert [action for action, _, _ in _audit(plan)].count("plan_state") == 2
    assert plan.latest.comments == []


def test_a_different_decision_after_the_first_is_a_409(world):
    lesson_plans.approve(world.plan, actor=world.reviewer, now=NOW)

    with pytest.raises(DomainError) as caught:
        _changes_requested(world)

    assert caught.value.status == 409
    assert _states(world.plan) == ["approved"]


def test_requesting_changes_needs_a_comment(world):
    with pytest.raises(DomainError) as caught:
        lesson_plans.request_changes(world.plan, comments={"general": "  ", "aims": ""}, actor=world.reviewer,
                                     now=NOW)

    assert (caught.value.status, caught.value.field) == (422, "general")
    assert _states(world.plan) == ["submitted"]


def test_a_draft_without_file_or_outline_cannot_be_submitted(world):
    plan = factories.make_plan(world.lecturer, data=b"", outline="")

    with pytest.raises(DomainError) as caught:
        lesson_plans.submit(plan, actor=world.lecturer_user, now=NOW)

    assert caught.value.field == "file"
    assert _states(plan) == ["draft"]


def test_a_revision_keeps_every_version_and_its_comments(world):
    plan = _changes_requested(world)

    draft = lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.save_draft(plan, values={"outline": "I. Mở đầu — 10 phút\nII. Liên hệ địa phương — 20 phút"},
                            upload=None, actor=world.lecturer_user, now=NOW)
    lesson_plans.submit(plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.approve(plan, actor=world.director, now=NOW)

    first, second = plan.versions
    assert _states(plan) == ["changes_requested", "approved"]
    assert (draft.number, second.file_id, second.audience) == (2, first.file_id, first.audience)
    assert first.outline.startswith("I. Mở đầu — 15 phút")
    assert second.outline.startswith("I. Mở đầu — 10 phút")
    assert [(c.section, c.text) for c in first.comments] == [
        ("general", "Cần bổ sung liên hệ thực tiễn địa phương."), ("outline", "Phân bổ thời gian chưa hợp lý.")]
    assert second.comments == []


def test_starting_a_revision_twice_returns_the_same_draft(world):
    plan = _changes_requested(world)

    first = lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)
    again = lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)

    assert first is again
    assert _states(plan) == ["changes_requested", "draft"]


def test_a_plan_under_review_cannot_be_revised_or_edited(world):
    with pytest.raises(DomainError) as revising:
        lesson_plans.start_revision(world.plan, actor=world.lecturer_user, now=NOW)
    with pytest.raises(DomainError) as editing:
        lesson_plans.save_draft(world.plan, values={"outline": "x"}, upload=None, actor=world.lecturer_user, now=NOW)

    assert (revising.value.status, editing.value.status) == (409, 409)
    assert world.plan.latest.outline.startswith("I. Mở đầu")


def test_approving_a_new_version_supersedes_the_approved_one(world):
    plan = world.plan
    lesson_plans.approve(plan, actor=world.reviewer, now=NOW)
    lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.save_draft(plan, values={"readings": "Nghị quyết Đại hội XIV"}, upload=None,
                            actor=world.lecturer_user, now=NOW)
    lesson_plans.submit(plan, actor=world.lecturer_user, now=NOW)

    assert _states(plan) == ["approved", "submitted"]  # the old version stays valid until the new one is approved
    lesson_plans.approve(plan, actor=world.director, now=NOW)

    assert _states(plan) == ["superseded", "approved"]
    assert plan.approved_version.number == 2
    assert plan.versions[0].decided_by_id == world.reviewer.id  # the first decision is not rewritten


def test_nobody_approves_their_own_plan(world):
    own = factories.make_lecturer(world.unit, full_name="Trần Văn Đức", user=world.director)
    plan = factories.make_plan(own, topic=world.topic, submit=True)

    with pytest.raises(DomainError) as caught:
        lesson_plans.approve(plan, actor=world.director, now=NOW)

    assert caught.value.status == 403
    assert _states(plan) == ["submitted"]
    lesson_plans.approve(plan, actor=world.reviewer, now=NOW)
    assert _states(plan) == ["approved"]


@pytest.mark.parametrize("role", ["secretary", "overseer", "sibling_director", "outsider", "lecturer"])
def test_only_the_units_director_and_reviewers_decide(world, role):
    with pytest.raises(DomainError) as caught:
        lesson_plans.approve(world.plan, actor=world.user(role), now=NOW)

    assert caught.value.status == 403
    assert _states(world.plan) == ["submitted"]


def test_only_the_lecturer_writes_their_plan(world):
    with pytest.raises(DomainError) as caught:
        lesson_plans.create_plan(lecturer=world.lecturer, title="Giả mạo", values={}, upload=None,
                                 actor=world.director, now=NOW)

    assert caught.value.status == 403


def test_a_topic_of_another_unit_is_refused(world):
    foreign = factories.make_topic(factories.make_programme(world.sibling, code="X"), code="X1")

    with pytest.raises(DomainError) as caught:
        lesson_plans.create_plan(lecturer=world.lecturer, title="Giáo án", values={}, upload=None,
                                 topic_id=foreign.id, actor=world.lecturer_user, now=NOW)

    assert caught.value.field == "topic_id"


def test_a_stale_draft_save_is_a_409(world):
    plan = factories.make_plan(world.lecturer)
    loaded = plan.latest.version
    lesson_plans.save_draft(plan, values={"aids": "Máy chiếu"}, upload=None, actor=world.lecturer_user, now=NOW,
                            expected_version=loaded)

    with pytest.raises(DomainError) as caught:
        lesson_plans.save_draft(plan, values={"aids": "Bảng"}, upload=None, actor=world.lecturer_user, now=NOW,
                                expected_version=loaded)

    assert caught.value.status == 409
    assert plan.latest.aids == "Máy chiếu"


def test_a_decision_racing_another_is_a_409(world):
    version = world.plan.latest
    db.session.flush()
    # Another request decided meanwhile: the row's version counter moved on.
    db.session.execute(sa.update(LessonPlanVersion.__table__).where(LessonPlanVersion.id == version.id)
                       .values(version=version.version + 1))

    with pytest.raises(DomainError) as caught:
        lesson_plans.approve(world.plan, actor=world.reviewer, now=NOW)

    assert caught.value.status == 409


# --- The database's guards ----------------------------------------------------------------------


def _raw_update(version: LessonPlanVersion, **values):
    with db.session.begin_nested():
        db.session.execute(sa.update(LessonPlanVersion.__table__).where(LessonPlanVersion.id == version.id)
                           .values(**values))


@pytest.mark.parametrize("values", [{"outline": "forged"}, {"file_id": None}, {"state": "draft"},
                                    {"duration_periods": 8}])
def test_a_submitted_versions_content_is_fixed_in_the_database(world, values):
    db.session.flush()

    with pytest.raises(sa.exc.DatabaseError):
        _raw_update(world.plan.latest, **values)


def test_a_decided_version_cannot_be_rewritten_in_the_database(world):
    lesson_plans.approve(world.plan, actor=world.reviewer, now=NOW)
    db.session.flush()

    for values in ({"decided_by_id": world.director.id}, {"state": "changes_requested"}, {"state": "submitted"}):
        with pytest.raises(sa.exc.DatabaseError):
            _raw_update(world.plan.latest, **values)


def test_submitted_versions_and_comments_cannot_be_deleted(world):
    _changes_requested(world)
    db.session.flush()
    version = world.plan.latest

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.delete(PlanComment.__table__).where(PlanComment.version_id == version.id))
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.delete(LessonPlanVersion.__table__).where(LessonPlanVersion.id == version.id))


def test_a_plan_keeps_its_lecturer_and_topic_in_the_database(world):
    db.session.flush()

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(LessonPlan.__table__).where(LessonPlan.id == world.plan.id)
                           .values(lecturer_id=world.colleague.id))


def test_the_database_allows_one_approved_version_per_plan(world):
    plan = world.plan
    lesson_plans.approve(plan, actor=world.reviewer, now=NOW)
    lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.submit(plan, actor=world.lecturer_user, now=NOW)
    db.session.flush()

    with pytest.raises(sa.exc.IntegrityError):
        _raw_update(plan.latest, state="approved")


def test_a_draft_may_still_change_in_the_database(world):
    plan = factories.make_plan(world.lecturer)
    db.session.flush()

    _raw_update(plan.latest, outline="Sửa bản nháp")

    db.session.refresh(plan.latest)
    assert plan.latest.outline == "Sửa bản nháp"


# --- Reading: outline, comparison, flags --------------------------------------------------------


def test_the_outline_gives_the_time_split(world):
    version = world.plan.latest

    assert presenters.outline_parts(version.outline) == [
        presenters.OutlinePart("I. Mở đầu", 15), presenters.OutlinePart("II. Nội dung", 150),
        presenters.OutlinePart("III. Kết luận", 15)]
    assert (presenters.outline_minutes(version.outline), presenters.duration_minutes(version)) == (180, 180)


def test_two_versions_compare_field_by_field_with_changed_lines_marked(world):
    plan = _changes_requested(world)
    lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.save_draft(plan, values={"outline": "I. Mở đầu — 15 phút\nII. Nội dung — 140 phút\n"
                                                     "III. Kết luận — 15 phút\nIV. Liên hệ — 10 phút"},
                            upload=None, actor=world.lecturer_user, now=NOW)

    rows = {row.name: row for row in presenters.compare(*plan.versions)}

    assert [name for name, row in rows.items() if row.changed] == ["outline"]
    outline = rows["outline"]
    assert [line.changed for line in outline.left] == [False, True, False]
    assert [(line.text, line.changed) for line in outline.right] == [
        ("I. Mở đầu — 15 phút", False), ("II. Nội dung — 140 phút", True), ("III. Kết luận — 15 phút", False),
        ("IV. Liên hệ — 10 phút", True)]


def test_a_session_is_flagged_until_its_lecturer_has_an_approved_plan_for_the_topic(world):
    other_topic = factories.make_topic(world.programme, code="B2", title="Chủ nghĩa Mác - Lênin")
    other = factories.make_session(world.training_class, other_topic, world.lecturer, on=date(2026, 3, 3))
    colleague = factories.make_session(world.training_class, world.topic, world.colleague, on=date(2026, 3, 4))
    sessions = [world.session, other, colleague]

    assert queries.sessions_without_plan(sessions) == {world.session.id, other.id, colleague.id}  # submitted only
    lesson_plans.approve(world.plan, actor=world.reviewer, now=NOW)

    assert queries.sessions_without_plan(sessions) == {other.id, colleague.id}  # another topic, another lecturer
    missing = db.session.scalars(queries.missing_plan_query(world.unit.id)).all()
    assert [session.id for session in missing] == [other.id, colleague.id]


def test_a_superseded_plan_still_counts_through_its_approved_successor(world):
    plan = world.plan
    lesson_plans.approve(plan, actor=world.reviewer, now=NOW)
    lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)

    assert queries.sessions_without_plan([world.session]) == set()  # the approved version still stands


# --- Pages ----------------------------------------------------------------------------------------


def _new_plan_form(**overrides):
    form = {"title": "Giáo án Điều lệ Đảng", "programme_id": "", "topic_id": "", "audience": "Đảng viên mới",
            "duration_periods": "4", "aims_knowledge": "Nắm vững Điều lệ", "aims_skills": "", "aims_attitude": "",
            "outline": "I. Mở đầu — 20 phút", "methods": "Thuyết trình", "aids": "", "readings": "",
            "file": (io.BytesIO(documents.docx_bytes()), "Giáo án.docx")}
    form.update(overrides)
    return form


def test_a_lecturer_creates_submits_and_reads_the_outcome(world, login):
    client = login(world.lecturer_user)

    created = client.post("/lesson-plans/new", data=_new_plan_form(topic_id=str(world.topic.id)),
                          content_type="multipart/form-data")
    plan = db.session.scalars(sa.select(LessonPlan).order_by(LessonPlan.id.desc())).first()
    submitted = client.post(f"/lesson-plans/{plan.id}/submit")
    login(world.reviewer).post(f"/lesson-plans/{plan.id}/review", data={
        "request_changes": "1", "general": "Bổ sung ví dụ thực tiễn.", "aims": "Mục tiêu thái độ còn thiếu."})
    page = login(world.lecturer_user).get(f"/lesson-plans/{plan.id}").get_data(as_text=True)

    assert (created.status_code, submitted.status_code) == (302, 302)
    assert (plan.topic_id, plan.latest.file.kind) == (world.topic.id, "docx")
    assert _states(plan) == ["changes_requested"]
    assert "Bổ sung ví dụ thực tiễn." in page and "Mục tiêu thái độ còn thiếu." in page
    assert f'action="/lesson-plans/{plan.id}/revise"' in page


def test_an_invalid_plan_form_keeps_the_input(world, login):
    client = login(world.lecturer_user)

    response = client.post("/lesson-plans/new", data=_new_plan_form(title="", duration_periods="99"),
                           content_type="multipart/form-data")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nắm vững Điều lệ" in page and 'value="Đảng viên mới"' in page


def test_the_draft_form_saves_and_replaces_the_file(world, login):
    plan = factories.make_plan(world.lecturer)
    client = login(world.lecturer_user)
    form = client.get(f"/lesson-plans/{plan.id}/edit")

    response = client.post(f"/lesson-plans/{plan.id}/edit", data={
        "title": "Giáo án mới", "version": str(plan.latest.version), "audience": "Cán bộ cơ sở",
        "outline": "I. Mở đầu — 5 phút", "file": (io.BytesIO(documents.pptx_bytes()), "Bài giảng.pptx")},
        content_type="multipart/form-data")

    db.session.refresh(plan)
    assert (form.status_code, response.status_code) == (200, 302)
    assert (plan.title, plan.latest.audience, plan.latest.file.original_name) == (
        "Giáo án mới", "Cán bộ cơ sở", "Bài giảng.pptx")


def test_a_stale_draft_form_is_a_409_that_keeps_the_input(world, login):
    plan = factories.make_plan(world.lecturer)
    client = login(world.lecturer_user)
    stale = str(plan.latest.version)
    client.post(f"/lesson-plans/{plan.id}/edit", data={"title": "Cửa sổ một", "version": stale, "aids": "Một"})

    response = client.post(f"/lesson-plans/{plan.id}/edit", data={"title": "Cửa sổ hai", "version": stale,
                                                                   "aids": "Hai"})

    assert response.status_code == 409
    assert "Hai" in response.get_data(as_text=True)
    db.session.refresh(plan)
    assert (plan.title, plan.latest.aids) == ("Cửa sổ một", "Một")


def test_a_reviewer_approves_with_comments_per_section(world, login):
    client = login(world.director)

    response = client.post(f"/lesson-plans/{world.plan.id}/review",
                           data={"approve": "1", "methods": "Nên thêm thảo luận nhóm."})

    assert response.status_code == 302
    assert _states(world.plan) == ["approved"]
    assert [(c.section, c.text, c.author_id) for c in world.plan.latest.comments] == [
        ("methods", "Nên thêm thảo luận nhóm.", world.director.id)]


def test_requesting_changes_without_a_comment_is_a_422_on_the_page(world, login):
    client = login(world.reviewer)

    response = client.post(f"/lesson-plans/{world.plan.id}/review", data={"request_changes": "1"})

    assert response.status_code == 422
    assert _states(world.plan) == ["submitted"]


def test_comments_alone_leave_the_plan_under_review(world, login):
    client = login(world.reviewer)

    response = client.post(f"/lesson-plans/{world.plan.id}/review",
                           data={"comment_only": "1", "readings": "Thêm Nghị quyết 21-NQ/TW."})

    assert response.status_code == 302
    assert _states(world.plan) == ["submitted"]
    assert [c.section for c in world.plan.latest.comments] == ["readings"]


def test_the_compare_page_shows_two_versions_side_by_side(world, login):
    plan = _changes_requested(world)
    lesson_plans.start_revision(plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.save_draft(plan, values={"methods": "Thảo luận nhóm"}, upload=None, actor=world.lecturer_user,
                            now=NOW)
    client = login(world.lecturer_user)

    response = client.get(f"/lesson-plans/{plan.id}/compare?a=1&b=2")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thảo luận nhóm" in page and page.count('class="changed"') == 1


def test_reviewers_do_not_see_a_lecturers_draft(world, login):
    plan = factories.make_plan(world.lecturer, title="Bản nháp riêng")

    assert login(world.director).get(f"/lesson-plans/{plan.id}").status_code == 404
    assert login(world.lecturer_user).get(f"/lesson-plans/{plan.id}").status_code == 200


def test_reviewers_see_the_approved_version_but_not_the_draft_of_its_revision(world, login):
    lesson_plans.approve(world.plan, actor=world.reviewer, now=NOW)
    lesson_plans.start_revision(world.plan, actor=world.lecturer_user, now=NOW)
    lesson_plans.save_draft(world.plan, values={"aids": "Bí mật nháp"}, upload=None, actor=world.lecturer_user,
                            now=NOW)

    page = login(world.director).get(f"/lesson-plans/{world.plan.id}").get_data(as_text=True)

    assert "Bí mật nháp" not in page
    assert login(world.director).get(f"/lesson-plans/{world.plan.id}/compare?b=2").status_code == 404


def test_the_queue_lists_the_units_submitted_plans(world, login):
    factories.make_plan(world.lecturer, title="Bản nháp chưa nộp")

    page = login(world.reviewer).get("/lesson-plans/review").get_data(as_text=True)

    assert world.plan.title in page
    assert "Bản nháp chưa nộp" not in page
    assert world.plan.title not in login(world.sibling_director).get("/lesson-plans/review").get_data(as_text=True)


def test_the_queue_runs_a_bounded_number_of_queries(world, login, count_queries):
    client = login(world.reviewer)
    colleague_user = factories.make_user((world.unit, Role.LECTURER), username="an", full_name="Lê Văn An")
    world.colleague.user_id = colleague_user.id
    db.session.flush()
    client.get("/lesson-plans/review")
    with count_queries() as one:
        client.get("/lesson-plans/review")
    for index in range(2):
        factories.make_plan(world.colleague, title=f"Giáo án {index}", submit=True)
    with count_queries() as three:
        response = client.get("/lesson-plans/review")

    assert response.get_data(as_text=True).count("/lesson-plans/") >= 3
    assert three.n == one.n


def _two_more_plans_and_sessions(world) -> None:
    for index in range(2):
        topic = factories.make_topic(world.programme, code=f"T{index}", title=f"Chuyên đề {index}")
        factories.make_session(world.training_class, topic, world.colleague, on=date(2026, 3, 5))
        factories.make_plan(world.lecturer, topic=topic, title=f"Giáo án {index}", submit=True)


def test_my_plans_run_a_bounded_number_of_queries(world, login, count_queries):
    client = login(world.lecturer_user)
    client.get("/lesson-plans")
    with count_queries() as one:
        client.get("/lesson-plans")
    _two_more_plans_and_sessions(world)
    with count_queries() as three:
        page = client.get("/lesson-plans").get_data(as_text=True)

    assert "Giáo án 0" in page and "Giáo án 1" in page and world.plan.title in page
    assert three.n == one.n


def test_the_missing_list_runs_a_bounded_number_of_queries(world, login, count_queries):
    client = login(world.director)
    client.get("/lesson-plans/missing?past=1")
    with count_queries() as one:
        client.get("/lesson-plans/missing?past=1")
    _two_more_plans_and_sessions(world)
    with count_queries() as three:
        page = client.get("/lesson-plans/missing?past=1").get_data(as_text=True)

    assert "Chuyên đề 0" in page and "Chuyên đề 1" in page
    assert three.n == one.n


def test_sessions_without_an_approved_plan_are_flagged_on_the_class_lecturer_and_missing_pages(world, login):
    world.training_class.end_date = world.training_class.start_date = utcnow().date() + timedelta(days=7)
    world.session.date = world.training_class.start_date
    client = login(world.director)

    pages = [client.get(url).get_data(as_text=True) for url in
             (f"/classes/{world.training_class.id}", f"/lecturers/{world.lecturer.id}", "/lesson-plans/missing")]
    lesson_plans.approve(world.plan, actor=world.reviewer, now=NOW)
    after = [client.get(url).get_data(as_text=True) for url in
             (f"/classes/{world.training_class.id}", f"/lecturers/{world.lecturer.id}", "/lesson-plans/missing")]

    flag = "badge warn"
    assert [flag in page for page in pages[:2]] == [True, True]
    assert world.lecturer.full_name in pages[2]
    assert [flag in page for page in after[:2]] == [False, False]
    assert world.lecturer.full_name not in after[2]


def test_the_lecturer_page_lists_the_plans_the_viewer_may_open(world, login):
    factories.make_plan(world.lecturer, title="Bản nháp riêng")

    own = login(world.lecturer_user).get(f"/lecturers/{world.lecturer.id}").get_data(as_text=True)
    director = login(world.director).get(f"/lecturers/{world.lecturer.id}").get_data(as_text=True)
    secretary = login(world.secretary).get(f"/lecturers/{world.lecturer.id}").get_data(as_text=True)

    assert "Bản nháp riêng" in own and world.plan.title in own
    assert "Bản nháp riêng" not in director and world.plan.title in director
    assert world.plan.title not in secretary


def test_comments_and_filenames_are_escaped(world, login):
    lesson_plans.request_changes(world.plan, comments={"general": '<script>alert(1)</script>'},
                                 actor=world.reviewer, now=NOW)
    page = login(world.lecturer_user).get(f"/lesson-plans/{world.plan.id}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- API ------------------------------------------------------------------------------------------


@pytest.fixture
def api(client):
    def as_user(user):
        token = account_services.create_api_token(user, name="t", now=utcnow(), lifetime=timedelta(days=1))
        db.session.commit()
        headers = {"Authorization": f"Bearer {token}"}

        class Api:
            def get(self, path, **kwargs):
                return client.get("/api/v1" + path, headers=headers, **kwargs)

            def post(self, path, **kwargs):
                return client.post("/api/v1" + path, headers=headers, **kwargs)

        return Api()

    return as_user


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_the_api_walks_a_plan_through_review(world, api, openapi):
    lecturer, reviewer = api(world.lecturer_user), api(world.reviewer)

    created = lecturer.post("/lesson-plans", data={
        "title": "Giáo án qua API", "topic_id": str(world.topic.id), "duration_periods": "3",
        "file": (io.BytesIO(documents.PDF), "Giáo án API.pdf")}, content_type="multipart/form-data")
    plan_id = created.get_json()["id"]
    submitted = lecturer.post(f"/lesson-plans/{plan_id}/submit")
    refused = reviewer.post(f"/lesson-plans/{plan_id}/request-changes", json={})
    changes = reviewer.post(f"/lesson-plans/{plan_id}/request-changes",
                            json={"comment": "Thiếu phần liên hệ", "comments": {"outline": "Cân đối thời gian"}})
    read = lecturer.get(f"/lesson-plans/{plan_id}")
    download = lecturer.get(f"/lesson-plans/{plan_id}/file")

    assert (created.status_code, created.get_json()["state"]) == (201, "draft")
    assert (submitted.status_code, submitted.get_json()["state"]) == (200, "submitted")
    assert refused.status_code == 422
    assert (changes.status_code, changes.get_json()["state"]) == (200, "changes_requested")
    comments = read.get_json()["versions"][0]["comments"]
    assert [(c["section"], c["text"]) for c in comments] == [("general", "Thiếu phần liên hệ"),
                                                            ("outline", "Cân đối thời gian")]
    assert read.get_json()["versions"][0]["file"]["name"] == "Giáo án API.pdf"
    assert download.data == documents.PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    for response in (created, submitted, refused, changes, read):
        assert_conforms(openapi, response)


def test_the_api_approves_and_lists(world, api, openapi):
    approved = api(world.director).post(f"/lesson-plans/{world.plan.id}/approve")
    listing = api(world.reviewer).get("/lesson-plans", query_string={"state": "approved"})
    own = api(world.lecturer_user).get("/lesson-plans")

    assert (approved.status_code, approved.get_json()["state"], approved.get_json()["approved_version"]) == (
        200, "approved", 1)
    assert [item["id"] for item in listing.get_json()["items"]] == [world.plan.id]
    assert [item["id"] for item in own.get_json()["items"]] == [world.plan.id]
    for response in (approved, listing, own):
        assert_conforms(openapi, response)


def test_the_api_never_lets_an_author_approve_their_own_plan(world, api):
    response = api(world.lecturer_user).post(f"/lesson-plans/{world.plan.id}/approve")

    assert response.status_code == 403
    assert _states(world.plan) == ["submitted"]


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_another_units_director_gets_404_for_a_plan_in_the_api(world, api, role):
    caller = api(world.user(role))

    answers = [caller.get(f"/lesson-plans/{world.plan.id}"), caller.get(f"/lesson-plans/{world.plan.id}/file"),
               caller.post(f"/lesson-plans/{world.plan.id}/approve"),
               caller.post(f"/lesson-plans/{world.plan.id}/request-changes", json={"comment": "x"})]

    assert [response.status_code for response in answers] == [404, 404, 404, 404]
    assert world.plan.id not in [item["id"] for item in caller.get("/lesson-plans").get_json()["items"]]


def test_the_api_validates_the_fields_of_a_new_plan(world, api):
    lecturer = api(world.lecturer_user)

    answers = [lecturer.post("/lesson-plans", json={"title": ""}),
               lecturer.post("/lesson-plans", json={"title": "x", "duration_periods": 0}),
               lecturer.post("/lesson-plans", json={"title": "x", "topic_id": "abc"}),
               lecturer.post("/lesson-plans", json={"title": "x", "outline": 5}),
               lecturer.post("/lesson-plans", data="title=x", content_type="text/plain")]

    assert [response.status_code for response in answers] == [422, 422, 422, 422, 400]
    assert all(set(response.get_json()["error"]) >= {"code", "message"} for response in answers)
