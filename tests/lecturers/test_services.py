from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog, utcnow
from lecturers import services
from lecturers.enums import STANDARD_PROGRAMMES, LecturerKind
from lecturers.models import Lecturer, Programme
from tests import factories


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_save_lecturer_creates_with_search_and_sort_keys(world):
    lecturer = services.save_lecturer(None, unit=world.unit, values={"full_name": "  Nguyễn   Thị Hương ",
                                                                     "kind": LecturerKind.ADJUNCT},
                                      actor=world.director, now=utcnow())

    assert (lecturer.full_name, lecturer.search_name, lecturer.unit_id) == (
        "Nguyễn Thị Hương", "nguyen thi huong", world.unit.id)
    assert [entry.object_id for entry in _audit("lecturer_created")] == [lecturer.id]


def test_save_lecturer_logs_old_and_new_values(world):
    services.save_lecturer(world.colleague, unit=world.unit, values={"position": "Trưởng ban"},
                           actor=world.director, now=utcnow())

    entry = _audit("lecturer_updated")[0]
    assert (entry.before, entry.after) == ({"position": ""}, {"position": "Trưởng ban"})


def test_save_lecturer_refuses_a_stale_version_with_409(world):
    stale = world.colleague.version
    services.save_lecturer(world.colleague, unit=world.unit, values={"position": "A"}, actor=world.director,
                           now=utcnow(), expected_version=stale)

    with pytest.raises(DomainError) as error:
        services.save_lecturer(world.colleague, unit=world.unit, values={"position": "B"}, actor=world.director,
                               now=utcnow(), expected_version=stale)

    assert (error.value.status, world.colleague.position) == (409, "A")


def test_a_user_account_links_to_one_lecturer_only(world):
    with pytest.raises(DomainError) as error:
        services.save_lecturer(world.colleague, unit=world.unit, values={"user_id": world.lecturer_user.id},
                               actor=world.director, now=utcnow())

    assert error.value.field == "user_id"


def test_topics_of_another_unit_are_refused(world):
    foreign_topic = factories.make_topic(factories.make_programme(world.sibling))

    with pytest.raises(DomainError):
        services.save_lecturer(world.colleague, unit=world.unit, values={"topic_ids": [foreign_topic.id]},
                               actor=world.director, now=utcnow())


def test_deactivation_is_logged_and_idempotent(world):
    services.set_lecturer_active(world.colleague, active=False, actor=world.director, now=utcnow())
    services.set_lecturer_active(world.colleague, active=False, actor=world.director, now=utcnow())

    assert world.colleague.is_active is False
    assert len(_audit("lecturer_deactivated")) == 1


def test_standard_programmes_are_seeded_once(world):
    first = services.seed_standard_programmes(world.sibling)
    again = services.seed_standard_programmes(world.sibling)

    codes = db.session.scalars(sa.select(Programme.code).where(Programme.unit_id == world.sibling.id))
    assert (len(first), again, sorted(codes)) == (len(STANDARD_PROGRAMMES), [],
                                                   sorted(code for code, _, _ in STANDARD_PROGRAMMES))


def test_programme_codes_are_unique_per_unit(world):
    with pytest.raises(DomainError) as error:
        services.save_programme(None, unit=world.unit, values={"code": "NTD", "name": "Trùng"},
                                actor=world.director, now=utcnow())

    assert error.value.field == "code"


def test_class_end_date_before_start_is_refused(world):
    values = {"programme_id": world.programme.id, "name": "Lớp", "start_date": date(2026, 5, 10),
              "end_date": date(2026, 5, 1), "place": "", "is_cluster": False, "learner_count": 10,
              "status": "planned"}

    with pytest.raises(DomainError) as error:
        services.save_class(None, unit=world.unit, values=values, actor=world.director, now=utcnow())

    assert error.value.field == "end_date"


def test_class_with_another_units_programme_is_refused(world):
    values = {"programme_id": factories.make_programme(world.sibling).id, "name": "Lớp",
              "start_date": date(2026, 5, 1), "end_date": date(2026, 5, 3), "place": "", "is_cluster": False,
              "learner_count": 10, "status": "planned"}

    with pytest.raises(DomainError):
        services.save_class(None, unit=world.unit, values=values, actor=world.director, now=utcnow())


@pytest.mark.parametrize("change, field", [
    ({"date": date(2026, 4, 1)}, "date"),
    ({"topic_id": "foreign"}, "topic_id"),
    ({"lecturer_id": "outsider"}, "lecturer_id"),
])
def test_session_must_fit_the_class(world, change, field):
    values = {"topic_id": world.topic.id, "lecturer_id": world.colleague.id, "date": date(2026, 3, 3),
              "periods": 4, "note": ""}
    if change.get("topic_id") == "foreign":
        change = {"topic_id": factories.make_topic(factories.make_programme(world.unit, code="X")).id}
    if change.get("lecturer_id") == "outsider":
        change = {"lecturer_id": world.outsider_lecturer.id}
    values.update(change)

    with pytest.raises(DomainError) as error:
        services.add_session(world.training_class, values=values, actor=world.director, now=utcnow())

    assert error.value.field == field


def test_inactive_lecturers_cannot_be_scheduled(world):
    world.colleague.is_active = False
    values = {"topic_id": world.topic.id, "lecturer_id": world.colleague.id, "date": date(2026, 3, 3),
              "periods": 4, "note": ""}

    with pytest.raises(DomainError):
        services.add_session(world.training_class, values=values, actor=world.director, now=utcnow())


def test_session_add_and_delete_are_audited(world):
    values = {"topic_id": world.topic.id, "lecturer_id": world.colleague.id, "date": date(2026, 3, 3),
              "periods": 4, "note": ""}
    session = services.add_session(world.training_class, values=values, actor=world.director, now=utcnow())
    services.delete_session(session, actor=world.director, now=utcnow())
    db.session.flush()

    assert (len(_audit("session_created")), len(_audit("session_deleted"))) == (1, 1)
    assert db.session.get(Lecturer, world.colleague.id) is not None
