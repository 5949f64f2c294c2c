"""Rubric authoring (SPEC §3.4): the rules in reviews/authoring.py, then the director's pages."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from markupsafe import escape

from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog, utcnow
from reviews import authoring, services
from reviews.enums import ConsolidationMethod, RubricVersionState
from reviews.models import ReviewSettings
from reviews.rubrics import Criterion, Rubric, RubricVersion
from tests import factories

D = Decimal
BANDS = {"excellent": D(18), "good": D(14), "satisfactory": D(10)}


def _t(message: str, **values) -> str:
    """``message`` as a page shows it: in Vietnamese (the default language), HTML-escaped."""
    with force_locale("vi"):
        return str(escape(gettext(message, **values)))


def _criterion(code: str, max_points: str = "2", step: str = "0.25", **values) -> dict:
    return {"code": code, "title": f"Tiêu chí {code}", "max_points": max_points, "step": step, **values}


def _own_rubric(world, *, criteria: int = 2) -> RubricVersion:
    """Version 1 (draft) of a new rubric of unit A: domain 1 with ``criteria`` criteria of 2 points."""
    return factories.make_rubric(world.unit, actor=world.director, name="Phiếu riêng", criteria=criteria).versions[0]


def _publish(world, version: RubricVersion, bands: dict | None = None) -> RubricVersion:
    authoring.set_bands(version, bands or {"excellent": D(3), "good": D(2), "satisfactory": D(1)})
    return authoring.publish(version, actor=world.director, now=utcnow())


def _plan(world, version: RubricVersion):
    return services.plan_observation(unit=world.unit, lecturer=world.colleague, version=version,
                                     observers=[world.reviewer], on=date(2026, 3, 4), actor=world.director,
                                     now=utcnow())


# --- creating and copying ------------------------------------------------------------------------


def test_create_rubric_makes_an_empty_draft_version_one(world):
    rubric = authoring.create_rubric(unit=world.unit, name="  Phiếu dự giờ  ", name_en=" Observation form ",
                                     actor=world.director, now=utcnow())

    assert (rubric.unit_id, rubric.name, rubric.name_en) == (world.unit.id, "Phiếu dự giờ", "Observation form")
    assert [(v.number, v.state, v.domains, v.criteria, v.bands) for v in rubric.versions] == \
        [(1, RubricVersionState.DRAFT, [], [], [])]


def test_copying_a_shipped_template_makes_a_draft_of_the_unit_with_everything(world):
    template = factories.shipped_version("school")

    copy = authoring.copy_rubric(template, unit=world.unit, actor=world.director, now=utcnow()).versions[0]

    def shape(version):
        return ([(d.position, d.code, d.title, d.title_en) for d in version.domains],
                [(c.domain.code, c.position, c.code, c.title, c.title_en, c.max_points, c.step, c.is_critical,
                  c.descriptors) for c in version.criteria],
                sorted((b.code, b.min_total) for b in version.bands))

    assert (copy.rubric.unit_id, copy.number, copy.state) == (world.unit.id, 1, RubricVersionState.DRAFT)
    assert shape(copy) == shape(template)
    assert {c.id for c in copy.criteria}.isdisjoint({c.id for c in template.criteria})


def test_shipped_template_cannot_be_edited(world):
    template = factories.shipped_version()

    with pytest.raises(DomainError) as new_version:
        authoring.new_version(template.rubric, actor=world.director, now=utcnow())
    with pytest.raises(DomainError) as edit:
        authoring.save_domain(template, template.domains[0], values={"code": "1", "title": "Đổi tên"})

    assert (new_version.value.status, edit.value.status) == (403, 409)
    assert template.rubric.versions == [template]


# --- drafts only ---------------------------------------------------------------------------------


EDITS = {
    "save_domain": lambda v: authoring.save_domain(v, None, values={"code": "9", "title": "Mới"}),
    "save_criterion": lambda v: authoring.save_criterion(v, v.criteria[0], domain=v.domains[0],
                                                         values=_criterion("1.1", "1")),
    "delete_criterion": lambda v: authoring.delete_criterion(v, v.criteria[0]),
    "delete_domain": lambda v: authoring.delete_domain(v, v.domains[0]),
    "set_bands": lambda v: authoring.set_bands(v, {"excellent": D(4), "good": D(3), "satisfactory": D(2)}),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_published_version_refuses_every_edit(world, edit):
    version = _publish(world, _own_rubric(world))

    with pytest.raises(DomainError) as error:
        EDITS[edit](version)

    assert (error.value.status, error.value.code) == (409, "conflict")
    assert [(c.code, c.max_points) for c in version.criteria] == [("1.1", D(2)), ("1.2", D(2))]


def test_domain_codes_are_unique_in_a_version(world):
    version = _own_rubric(world)

    with pytest.raises(DomainError) as error:
        authoring.save_domain(version, None, values={"code": "1", "title": "Trùng mã"})

    assert error.value.field == "code"
    assert [d.code for d in version.domains] == ["1"]


def test_criterion_codes_are_unique_across_the_domains_of_a_version(world):
    version = _own_rubric(world)
    other = authoring.save_domain(version, None, values={"code": "2", "title": "Phương pháp"})

    with pytest.raises(DomainError) as error:
        authoring.save_criterion(version, None, domain=other, values=_criterion("1.2"))

    assert error.value.field == "code"


def test_saving_a_criterion_under_its_own_code_is_allowed(world):
    version = _own_rubric(world)

    criterion = authoring.save_criterion(version, version.criteria[0], domain=version.domains[0],
                                         values=_criterion("1.1", "3", "0.5", title_en="Accuracy", is_critical=True,
                                                           descriptors=" 3 đ: chính xác \n"))

    assert (criterion.code, criterion.title_en, criterion.max_points, criterion.step, criterion.is_critical,
            criterion.descriptors) == ("1.1", "Accuracy", D(3), D("0.5"), True, "3 đ: chính xác")


@pytest.mark.parametrize(("max_points", "step", "accepted"), [
    ("2", "0.25", True), ("1.5", "0.5", True), ("3", "1", True), ("0.25", "0.25", True),
    ("1.3", "0.25", False), ("2.5", "1", False), ("0", "0.25", False), ("2", "0", False), ("-1", "0.5", False),
])
def test_the_maximum_must_be_a_positive_whole_number_of_steps(world, max_points, step, accepted):
    version = _own_rubric(world)

    try:
        authoring.save_criterion(version, None, domain=version.domains[0], values=_criterion("1.9", max_points, step))
        outcome = True
    except DomainError as error:
        outcome = error.field

    assert outcome == (True if accepted else "max_points")


def test_a_criterion_cannot_go_into_a_domain_of_another_version(world):
    version = _own_rubric(world)
    foreign = _own_rubric(world).domains[0]

    with pytest.raises(DomainError) as error:
        authoring.save_criterion(version, None, domain=foreign, values=_criterion("1.9"))

    assert error.value.field == "domain_id"


def test_a_new_criterion_goes_last_even_after_one_was_removed(world):
    version = _own_rubric(world, criteria=3)
    authoring.delete_criterion(version, version.criteria[1])

    authoring.save_criterion(version, None, domain=version.domains[0], values=_criterion("1.4"))

    assert [c.code for c in version.domains[0].criteria] == ["1.1", "1.3", "1.4"]


def test_a_criterion_moved_to_another_domain_goes_last_there(world):
    version = _own_rubric(world)
    method = authoring.save_domain(version, None, values={"code": "2", "title": "Phương pháp"})
    authoring.save_criterion(version, None, domain=method, values=_criterion("2.1"))

    authoring.save_criterion(version, version.criteria[0], domain=method, values=_criterion("1.1"))
    db.session.expire_all()

    assert [(d.code, [c.code for c in d.criteria]) for d in version.domains] == [("1", ["1.2"]), ("2", ["2.1", "1.1"])]
    assert [c.code for c in version.criteria] == ["1.2", "2.1", "1.1"]


def test_only_an_empty_domain_can_be_removed_and_the_others_move_up(world):
    version = _own_rubric(world, criteria=1)
    for code in ("2", "3"):
        authoring.save_domain(version, None, values={"code": code, "title": f"Lĩnh vực {code}"})
    authoring.save_criterion(version, None, domain=version.domains[2], values=_criterion("3.1"))

    with pytest.raises(DomainError):
        authoring.delete_domain(version, version.domains[0])
    authoring.delete_domain(version, version.domains[1])
    db.session.expire_all()

    assert [(d.position, d.code) for d in version.domains] == [(0, "1"), (1, "3")]
    assert [(c.domain_position, c.code) for c in version.criteria] == [(0, "1.1"), (1, "3.1")]


# --- rating bands and publishing ----------------------------------------------------------------


@pytest.mark.parametrize("minimums", [(3, 3, 1), (3, 2, 2), (1, 2, 3), (3, 2, -1)])
def test_band_minimums_must_fall_from_excellent_to_satisfactory(world, minimums):
    version = _own_rubric(world)

    with pytest.raises(DomainError) as error:
        authoring.set_bands(version, dict(zip(BANDS, map(D, minimums), strict=True)))

    assert (error.value.field, version.bands) == ("bands", [])


def test_band_minimums_stay_within_the_maximum(world):
    version = _own_rubric(world)  # maximum 4

    with pytest.raises(DomainError):
        authoring.set_bands(version, {"excellent": D("4.25"), "good": D(3), "satisfactory": D(2)})
    authoring.set_bands(version, {"excellent": D(4), "good": D(3), "satisfactory": D(2)})
    authoring.set_bands(version, {"excellent": D("3.5"), "good": D("2.75"), "satisfactory": D(2)})

    assert version.band_minimums == {"excellent": D("3.5"), "good": D("2.75"), "satisfactory": D(2)}


def test_publishing_needs_criteria_in_every_domain_and_the_three_bands(world):
    empty = authoring.create_rubric(unit=world.unit, name="Trống", name_en="", actor=world.director,
                                    now=utcnow()).versions[0]
    version = _own_rubric(world)
    authoring.save_domain(version, None, values={"code": "2", "title": "Chưa có tiêu chí"})

    refusals = []
    for attempt in (lambda: authoring.publish(empty, actor=world.director, now=utcnow()),
                    lambda: authoring.publish(version, actor=world.director, now=utcnow())):
        with pytest.raises(DomainError) as error:
            attempt()
        refusals.append(error.value.status)
    authoring.delete_domain(version, version.domains[1])
    with pytest.raises(DomainError) as no_bands:
        authoring.publish(version, actor=world.director, now=utcnow())

    assert (refusals, no_bands.value.field) == ([422, 422], "bands")
    assert {empty.state, version.state} == {RubricVersionState.DRAFT}


def test_publishing_retires_the_previous_version_and_logs_it(world):
    first = _publish(world, _own_rubric(world))
    second = authoring.new_version(first.rubric, actor=world.director, now=utcnow())

    authoring.publish(second, actor=world.director, now=utcnow())

    assert [(v.number, v.state) for v in first.rubric.versions] == [(1, RubricVersionState.RETIRED),
                                                                    (2, RubricVersionState.PUBLISHED)]
    assert first.rubric.current_version is second
    logged = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.object_type == "Rubric",
                                                                  AuditLog.object_id == first.rubric_id)
                                .order_by(AuditLog.id))
    assert list(logged) == ["rubric_created", "rubric_published", "rubric_version_started", "rubric_published"]


def test_new_version_copies_everything_and_an_open_draft_is_reused(world):
    first = _publish(world, _own_rubric(world))

    second = authoring.new_version(first.rubric, actor=world.director, now=utcnow())
    again = authoring.new_version(first.rubric, actor=world.director, now=utcnow())

    def shape(version):
        return ([(d.code, d.title) for d in version.domains],
                [(c.domain.code, c.code, c.title, c.max_points, c.step, c.is_critical) for c in version.criteria],
                version.band_minimums)

    assert (second.number, second.state, again) == (2, RubricVersionState.DRAFT, second)
    assert shape(second) == shape(first)


# --- the default rubric and frozen versions -------------------------------------------------------


def test_default_version_is_the_shipped_default_until_the_unit_chooses_its_own(world):
    own = _publish(world, _own_rubric(world))
    before = authoring.default_version(world.unit)

    authoring.set_default(own.rubric, unit=world.unit, actor=world.director, now=utcnow())

    assert before == factories.shipped_version("llct")
    assert authoring.default_version(world.unit) == own
    assert authoring.default_version(world.sibling) == factories.shipped_version("llct")


def test_only_a_published_rubric_of_the_unit_can_be_the_default(world):
    draft = _own_rubric(world)
    sibling_rubric = _publish(world, factories.make_rubric(world.sibling, actor=world.sibling_director,
                                                           criteria=2).versions[0])

    for rubric in (draft.rubric, sibling_rubric.rubric, factories.shipped_version("school").rubric):
        with pytest.raises(DomainError):
            authoring.set_default(rubric, unit=world.unit, actor=world.director, now=utcnow())

    assert authoring.default_version(world.unit) == factories.shipped_version("llct")


def test_a_used_version_is_frozen_in_the_database(world):
    version = _publish(world, _own_rubric(world))
    unused = _publish(world, _own_rubric(world))
    _plan(world, version)

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(Criterion).where(Criterion.version_id == version.id).values(max_points=D(5)))
    db.session.execute(sa.update(Criterion).where(Criterion.version_id == unused.id).values(title="Sửa bằng SQL"))

    assert (authoring.is_used(version), authoring.is_used(unused)) == (True, False)
    assert db.session.scalars(sa.select(Criterion.max_points).where(Criterion.version_id == version.id)).all() == \
        [D(2), D(2)]


# --- consolidation ------------------------------------------------------------------------------


def test_the_unit_chooses_its_consolidation_method(world):
    assert services.consolidation_method(world.unit.id) == ConsolidationMethod.MEAN

    authoring.set_consolidation_method(unit=world.unit, method="median", actor=world.director, now=utcnow())
    authoring.set_consolidation_method(unit=world.unit, method="trimmed_mean", actor=world.director, now=utcnow())

    assert services.consolidation_method(world.unit.id) == ConsolidationMethod.TRIMMED_MEAN
    assert services.consolidation_method(world.sibling.id) == ConsolidationMethod.MEAN
    logged = db.session.scalars(sa.select(AuditLog.after).where(AuditLog.action == "consolidation_method")
                                .order_by(AuditLog.id)).all()
    assert logged == [{"method": "median"}, {"method": "trimmed_mean"}]


def test_an_unknown_consolidation_method_is_refused(world):
    with pytest.raises(DomainError) as error:
        authoring.set_consolidation_method(unit=world.unit, method="max", actor=world.director, now=utcnow())

    assert error.value.field == "consolidation_method"
    assert db.session.get(ReviewSettings, world.unit.id) is None


# === the pages ===================================================================================


def _rubric_named(name: str) -> Rubric:
    return db.session.scalar(sa.select(Rubric).where(Rubric.name == name))


def _criterion_form(domain, code: str, max_points: str, step: str, **extra) -> dict:
    return {"domain_id": str(domain.id), "code": code, "title": f"Tiêu chí {code}", "max_points": max_points,
            "step": step, **extra}


def test_director_builds_publishes_uses_and_revises_a_rubric(world, login):
    client = login(world.director)

    created = client.post("/rubrics/new", data={"name": "Phiếu dự giờ Nam Đàn", "name_en": "Nam Đàn form"})
    rubric = _rubric_named("Phiếu dự giờ Nam Đàn")
    first = rubric.versions[0]
    for code, title in (("1", "Nội dung"), ("2", "Phương pháp")):
        client.post(f"/rubrics/versions/{first.id}/domains/new", data={"code": code, "title": title})
    content, method = first.domains
    client.post(f"/rubrics/domains/{content.id}/criteria/new", data=_criterion_form(
        content, "1.1", "5", "0.5", title_en="Party-mindedness", is_critical="y", descriptors="5 đ: đúng\n0 đ: sai"))
    client.post(f"/rubrics/domains/{content.id}/criteria/new", data=_criterion_form(content, "1.2", "5,0", "0.25"))
    client.post(f"/rubrics/domains/{method.id}/criteria/new", data=_criterion_form(method, "2.1", "10", "1"))
    client.post(f"/rubrics/versions/{first.id}/bands", data={"excellent": "18", "good": "14", "satisfactory": "10"})
    published = client.post(f"/rubrics/versions/{first.id}/publish")
    observation = _plan(world, first)
    started = client.post(f"/rubrics/{rubric.id}/versions/new")
    second = rubric.versions[-1]
    revised = next(c for c in second.criteria if c.code == "2.1")
    edited = client.post(f"/rubrics/criteria/{revised.id}/edit", data=_criterion_form(revised.domain, "2.1", "8", "1"))
    client.post(f"/rubrics/criteria/{second.criteria[1].id}/delete")
    page = client.get(f"/rubrics/versions/{second.id}")

    assert [r.status_code for r in (created, published, started, edited)] == [302, 302, 302, 302]
    assert created.location == f"/rubrics/versions/{first.id}"
    assert (first.state, first.max_total, first.band_minimums) == (RubricVersionState.PUBLISHED, D(20), BANDS)
    assert [(c.domain.code, c.code, c.title_en, c.max_points, c.step, c.is_critical, c.descriptors)
            for c in first.criteria] == [("1", "1.1", "Party-mindedness", D(5), D("0.5"), True, "5 đ: đúng\n0 đ: sai"),
                                         ("1", "1.2", "", D(5), D("0.25"), False, ""),
                                         ("2", "2.1", "", D(10), D(1), False, "")]
    assert observation.rubric_version_id == first.id
    assert (second.number, second.state) == (2, RubricVersionState.DRAFT)
    assert [(c.code, c.max_points) for c in second.criteria] == [("1.1", D(5)), ("2.1", D(8))]
    assert [(c.code, c.max_points) for c in first.criteria] == [("1.1", D(5)), ("1.2", D(5)), ("2.1", D(10))]
    assert page.status_code == 200
    assert "Tiêu chí 1.2" not in page.get_data(as_text=True)


def test_publishing_a_new_version_leaves_planned_observations_on_the_old_one(world, login):
    version = _publish(world, _own_rubric(world))
    observation = _plan(world, version)
    draft = authoring.new_version(version.rubric, actor=world.director, now=utcnow())
    client = login(world.director)

    client.post(f"/rubrics/versions/{draft.id}/publish")
    old_page = client.get(f"/rubrics/versions/{version.id}").get_data(as_text=True)

    assert (version.state, draft.state) == (RubricVersionState.RETIRED, RubricVersionState.PUBLISHED)
    assert observation.rubric_version_id == version.id
    assert _t("In use by observations: this version is frozen and can never change.") in old_page


def test_publishing_an_incomplete_draft_says_why(world, login):
    version = _own_rubric(world)
    client = login(world.director)

    response = client.post(f"/rubrics/versions/{version.id}/publish", follow_redirects=True)

    assert response.status_code == 200
    assert _t("Set the three rating bands before publishing.") in response.get_data(as_text=True)
    assert version.state == RubricVersionState.DRAFT


def test_the_version_page_shows_the_domains_criteria_total_and_bands_in_order(world, login):
    version = factories.shipped_version("llct")
    client = login(world.reviewer)

    page = client.get(f"/rubrics/versions/{version.id}").get_data(as_text=True)

    codes = re.findall(r"<td><strong>([\d.]+)</strong></td>", page)
    assert codes == [c.code for c in version.criteria]
    assert re.search(_t("Total maximum") + r"</small> 20<", page)
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]  # read-only: nothing to post


def test_a_published_version_is_frozen_on_the_page_and_offers_a_new_version(world, login):
    version = _publish(world, _own_rubric(world))
    _plan(world, version)
    client = login(world.director)

    page = client.get(f"/rubrics/versions/{version.id}").get_data(as_text=True)
    edit = client.get(f"/rubrics/criteria/{version.criteria[0].id}/edit")

    assert _t("In use by observations: this version is frozen and can never change.") in page
    assert f'action="/rubrics/{version.rubric_id}/versions/new"' in page
    assert f'action="/rubrics/criteria/{version.criteria[0].id}/delete"' not in page
    assert (edit.status_code, edit.location) == (302, f"/rubrics/versions/{version.id}")


def test_posting_to_a_published_version_is_refused_with_the_input_kept(world, login):
    version = _publish(world, _own_rubric(world))
    client = login(world.director)

    response = client.post(f"/rubrics/criteria/{version.criteria[0].id}/edit",
                           data=_criterion_form(version.domains[0], "1.1", "1", "0.25", title="Sửa muộn"))

    assert response.status_code == 422
    assert _t("A published version is frozen. Start a new version to change it.") in response.get_data(as_text=True)
    assert "Sửa muộn" in response.get_data(as_text=True)
    assert version.criteria[0].max_points == D(2)


def test_director_copies_a_template_and_makes_it_the_default(world, login):
    template = factories.shipped_version("school")
    client = login(world.director)

    copied = client.post(f"/rubrics/versions/{template.id}/copy")
    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.unit_id == world.unit.id,
                                                        Rubric.name == template.rubric.name))
    draft = rubric.versions[0]
    refused = client.post(f"/rubrics/{rubric.id}/default", follow_redirects=True)
    _publish(world, draft, BANDS)
    made_default = client.post(f"/rubrics/{rubric.id}/default")

    assert copied.location == f"/rubrics/versions/{draft.id}"
    assert _t("Only a published rubric of this unit can be the default.") in refused.get_data(as_text=True)
    assert made_default.status_code == 302
    assert authoring.default_version(world.unit) == draft


def test_the_list_shows_states_the_default_and_frozen_versions(world, login):
    version = _publish(world, _own_rubric(world))
    _plan(world, version)
    authoring.new_version(version.rubric, actor=world.director, now=utcnow())
    authoring.set_default(version.rubric, unit=world.unit, actor=world.director, now=utcnow())
    client = login(world.director)

    page = client.get("/rubrics").get_data(as_text=True)

    section = page.split("Phiếu riêng", 1)[1].split("</section>", 1)[0]
    assert re.findall(r'badge state-(\w+)', section) == ["draft", "published"]
    assert section.count(_t("In use: frozen")) == 1
    assert section.count(_t("Default for new observations")) == page.count(_t("Default for new observations")) == 1
    assert page.count(_t("Copy into my unit")) == 2


def test_the_list_runs_the_same_number_of_queries_for_one_or_three_rubrics(world, login, count_queries):
    client = login(world.director)

    def queries_with(n: int) -> int:
        for _ in range(n - len(db.session.scalars(sa.select(Rubric).where(Rubric.unit_id == world.unit.id)).all())):
            _publish(world, _own_rubric(world))
        db.session.commit()  # the setup's writes are not the page's queries
        with count_queries() as counter:
            assert client.get("/rubrics").status_code == 200
        return counter.n

    assert queries_with(1) == queries_with(3)


def test_director_sets_the_consolidation_method(world, login):
    client = login(world.director)

    saved = client.post("/rubrics/settings", data={"consolidation_method": "median"})
    invalid = client.post("/rubrics/settings", data={"consolidation_method": "max"})
    page = client.get("/rubrics").get_data(as_text=True)

    assert (saved.status_code, invalid.status_code) == (302, 422)
    assert services.consolidation_method(world.unit.id) == ConsolidationMethod.MEDIAN
    assert re.search(r'<input checked id="consolidation_method-\d" name="consolidation_method" required type="radio" '
                     r'value="(\w+)">', page).group(1) == "median"


# --- bad input keeps what was typed -------------------------------------------------------------


def test_a_bad_criterion_is_a_422_with_every_typed_value_kept(world, login):
    version = _own_rubric(world)
    domain = version.domains[0]
    client = login(world.director)
    typed = _criterion_form(domain, "1.9", "1,3", "0.25", title="Liên hệ thực tiễn địa phương",
                            title_en="Local examples", descriptors="1 đ: có liên hệ")

    response = client.post(f"/rubrics/domains/{domain.id}/criteria/new", data=typed)
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert _t("The maximum must be a positive whole number of steps.") in page
    assert [f'value="{typed[name]}"' in page for name in ("code", "max_points")] == [True, True]
    assert [re.search(f">\\s*{typed[name]}</textarea>", page) is not None
            for name in ("title", "title_en", "descriptors")] == [True] * 3
    assert [c.code for c in version.criteria] == ["1.1", "1.2"]


@pytest.mark.parametrize(("max_points", "message"), [
    ("hai", "Enter a number such as 1.5 or 0.25."), ("1.255", "Use at most two decimal places."),
    ("0", "Between 0.25 and 100 points."), ("", "This field is required."),
    ("1e3", "Enter a number such as 1.5 or 0.25."),
])
def test_the_criterion_form_checks_the_maximum(world, login, max_points, message):
    version = _own_rubric(world)
    domain = version.domains[0]
    client = login(world.director)

    response = client.post(f"/rubrics/domains/{domain.id}/criteria/new",
                           data=_criterion_form(domain, "1.9", max_points, "0.25"))

    errors = re.findall(r'id="max_points-errors">\s*<li>(.*?)</li>', response.get_data(as_text=True))
    assert (response.status_code, errors) == (422, [_t(message)])


def test_a_duplicate_criterion_code_is_shown_on_the_code_field(world, login):
    version = _own_rubric(world)
    domain = version.domains[0]
    client = login(world.director)

    response = client.post(f"/rubrics/domains/{domain.id}/criteria/new", data=_criterion_form(domain, "1.2", "1", "1"))

    errors = re.findall(r'id="code-errors">\s*<li>(.*?)</li>', response.get_data(as_text=True))
    assert (response.status_code, errors) == (422, [_t("Another criterion of this version has this code.")])


def test_bands_that_do_not_fall_are_a_422_with_the_minimums_kept(world, login):
    version = _own_rubric(world)
    client = login(world.director)

    response = client.post(f"/rubrics/versions/{version.id}/bands",
                           data={"excellent": "3,5", "good": "3,75", "satisfactory": "1"})
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert _t("The minimums must fall: Excellent above Good above Satisfactory.") in page
    assert re.findall(r'name="(excellent|good|satisfactory)" required type="text" value="([^"]*)"', page) == \
        [("excellent", "3,5"), ("good", "3,75"), ("satisfactory", "1")]
    assert version.bands == []


def test_a_rubric_without_a_name_is_a_422(world, login):
    client = login(world.director)

    response = client.post("/rubrics/new", data={"name": "", "name_en": "Only English"})

    assert response.status_code == 422
    assert 'value="Only English"' in response.get_data(as_text=True)


def test_a_domain_with_a_duplicate_code_is_a_422_with_the_title_kept(world, login):
    version = _own_rubric(world)
    client = login(world.director)

    response = client.post(f"/rubrics/versions/{version.id}/domains/new",
                           data={"code": "1", "title": "Tác phong sư phạm"})

    assert response.status_code == 422
    assert 'value="Tác phong sư phạm"' in response.get_data(as_text=True)
    assert [d.code for d in version.domains] == ["1"]


# --- who may do what ----------------------------------------------------------------------------


def _writes(version: RubricVersion) -> list[tuple[str, dict]]:
    domain, criterion = version.domains[0], version.criteria[0]
    return [
        (f"/rubrics/versions/{version.id}/domains/new", {"code": "9", "title": "Mới"}),
        (f"/rubrics/domains/{domain.id}/edit", {"code": "1", "title": "Đổi tên"}),
        (f"/rubrics/domains/{domain.id}/criteria/new", _criterion_form(domain, "1.9", "1", "1")),
        (f"/rubrics/criteria/{criterion.id}/edit", _criterion_form(domain, "1.1", "1", "1")),
        (f"/rubrics/criteria/{criterion.id}/delete", {}),
        (f"/rubrics/domains/{domain.id}/delete", {}),
        (f"/rubrics/versions/{version.id}/bands", {"excellent": "3", "good": "2", "satisfactory": "1"}),
        (f"/rubrics/versions/{version.id}/publish", {}),
        (f"/rubrics/versions/{version.id}/copy", {}),
        (f"/rubrics/{version.rubric_id}/default", {}),
        (f"/rubrics/{version.rubric_id}/versions/new", {}),
    ]


def _unchanged(version: RubricVersion) -> tuple:
    db.session.expire_all()
    return ([(d.code, d.title) for d in version.domains], [(c.code, c.max_points) for c in version.criteria],
            version.bands, version.state, db.session.scalar(sa.select(sa.func.count()).select_from(Rubric)))


def test_a_reviewer_reads_a_rubric_but_gets_403_on_every_write(world, login):
    version = _own_rubric(world)
    before = _unchanged(version)
    client = login(world.reviewer)

    page = client.get(f"/rubrics/versions/{version.id}")
    statuses = {url: client.post(url, data=data).status_code for url, data in _writes(version)}

    assert page.status_code == 200
    assert "Tiêu chí 1.1" in page.get_data(as_text=True)
    assert statuses == {url: 403 for url, _ in _writes(version)}
    assert client.get("/rubrics").status_code == 403
    assert _unchanged(version) == before


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_director_of_another_unit_gets_404_for_the_unit_rubric(world, login, role):
    version = _own_rubric(world)
    before = _unchanged(version)
    client = login(world.user(role))

    page = client.get(f"/rubrics/versions/{version.id}")
    answers = {url: client.post(url, data=data) for url, data in _writes(version)}
    own_list = client.get("/rubrics").get_data(as_text=True)

    assert page.status_code == 404
    assert {url: r.status_code for url, r in answers.items()} == {url: 404 for url in answers}
    assert [url for url, r in answers.items() if "Phiếu riêng" in r.get_data(as_text=True)] == []
    assert "Phiếu riêng" not in own_list
    assert _unchanged(version) == before


def test_a_lecturer_cannot_open_the_rubric_pages(world, login):
    version = _own_rubric(world)
    client = login(world.lecturer_user)

    statuses = [client.get(url).status_code for url in ("/rubrics", f"/rubrics/versions/{version.id}")]

    assert statuses == [403, 403]


def test_the_navigation_offers_rubrics_to_directors_only(world, login):
    director = login(world.director).get("/home").get_data(as_text=True)
    reviewer = login(world.reviewer).get("/home").get_data(as_text=True)

    assert director.count('href="/rubrics"') == 2  # the menu and the home card
    assert reviewer.count('href="/rubrics"') == 0


def test_the_observation_page_links_unit_staff_to_its_rubric(world, login):
    link = f'href="/rubrics/versions/{world.observation.rubric_version_id}"'

    staff = login(world.reviewer).get(f"/observations/{world.observation.id}").get_data(as_text=True)
    lecturer = login(world.lecturer_user).get(f"/observations/{world.observation.id}").get_data(as_text=True)

    assert (staff.count(link), lecturer.count(link)) == (1, 0)


def test_scoring_reads_a_draft_afresh_and_keeps_a_published_version(world):
    """``frozen_version``: what a save scores with. A draft still changes, so it is read each
    time; once published the version is frozen and each worker keeps it."""
    from reviews.forms import build_sheet_form
    from reviews.queries import frozen_version

    version = _own_rubric(world, criteria=1)
    assert set(frozen_version(version.id).ids) == {"1.1"}
    authoring.save_criterion(version, None, domain=version.domains[0], values=_criterion("1.2"))
    db.session.flush()
    assert set(frozen_version(version.id).ids) == {"1.1", "1.2"}

    _publish(world, version)
    db.session.flush()
    kept = frozen_version(version.id)
    assert frozen_version(version.id) is kept
    assert kept.spec == version.spec() and kept.codes == {c.id: c.code for c in version.criteria}
    form = build_sheet_form(kept, meta={"csrf": False})
    assert [field.label.text for field in (form.score_1_1, form.score_1_2)] == ["1.1. Tiêu chí 1.1",
                                                                               "1.2. Tiêu chí 1.2"]
    assert type(build_sheet_form(kept, meta={"csrf": False})) is type(form)  # the form class is made once
