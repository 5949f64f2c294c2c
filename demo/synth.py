"""``flask demo synth``: a large synthetic data set (a province, or a country) for measuring
Lectern at scale.

Rows are built in Python and written with SQLAlchemy Core ``insert()`` in batches, never
through the ORM row by row. Results are computed with :mod:`reviews.scoring`, exactly as the
review services compute them, and stored in their final state: sheets are inserted as
drafts with their scores and then marked submitted (the database refuses scores for a
submitted sheet), observations are inserted finalised (the guards refuse UPDATE/DELETE only).

Every synthetic account shares one cheap password hash (of ``SYNTH_PASSWORD``): synthetic
data only, refused outside demo mode like the demo data.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from accounts.enums import Role, UnitKind
from accounts.models import Province, RoleGrant, Unit, User
from contests.enums import Aggregation, ContestLevel, ContestPhase, Eligibility
from contests.models import Contest, ContestComponent, ContestEntry, ContestJudge, ContestMark
from core.vietnamese import fold, name_sort_key
from demo.content import (ADJUNCT_POSITIONS, FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, GENERAL_STRENGTHS,
                          HOME_BODIES, MALE_GIVEN, MALE_MIDDLE, NO_RECOMMENDATIONS, NO_SHORTCOMINGS, PLACES,
                          SELF_ASSESSMENTS, TOPICS)
from lecturers.enums import (STANDARD_PROGRAMMES, ClassStatus, Degree, Gender, LecturerKind, PlanState, TheoryLevel,
                             WorkloadRole)
from lecturers.models import (Lecturer, LessonPlan, LessonPlanVersion, Programme, TeachingSession, Topic,
                              TrainingClass, lecturer_topic)
from meetings.enums import MinutesState
from meetings.models import Meeting
from reviews import scoring
from reviews.enums import ObservationKind, ObservationState, PracticePurpose, PracticeVerdict, SheetState
from reviews.models import Observation, ObservationScore, PracticeLecture, Sheet, SheetScore
from reviews.rubrics import Criterion, Rubric, RubricVersion

# B105: synthetic data only; refused outside LECTERN_ENV=demo
SYNTH_PASSWORD = "lectern-synth"  # nosec B105
BATCH = 5000
REVIEWERS_PER_UNIT = 4  # besides the director
OBSERVATIONS_PER_LECTURER_YEAR = 3
PRACTICE_SHARE = 0.33  # chance a lecturer gives a practice lecture in a year
CLASSES_PER_YEAR = 8
CONTEST_ENTRIES = 6
SEVERITIES = (-0.12, -0.06, 0.0, 0.05, 0.11)  # per reviewer: harsher (−) or more lenient (+)


@dataclass
class _Person:
    id: int
    user_id: int | None
    full_name: str
    ability: float
    topics: list


@dataclass
class SynthSize:
    units: int
    lecturers: int
    years: int
    seed: int = 2026
    prefix: str = ""  # before every username, so two data sets can share a database


class _Writer:
    """Buffers rows per table and inserts them in batches, in the order tables were first
    used (parents before children); ids are assigned here so children can refer to them."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.rows: dict[sa.Table, list[dict]] = {}
        self.next_ids: dict[sa.Table, int] = {}
        self.counts: dict[str, int] = {}
        self.deferred: dict[sa.Table, list[dict]] = {}
        self.scores: dict[sa.Table, list[tuple]] = {}

    def new_id(self, table: sa.Table) -> int:
        if table not in self.next_ids:
            self.next_ids[table] = (self.connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: sa.Table, *, defer: bool = False, **row) -> dict:
        """Queue a row; ``defer``: keep it until :meth:`flush_deferred`."""
        if "id" in table.c and "id" not in row:
            row["id"] = self.new_id(table)
        if defer:
            self.deferred.setdefault(table, []).append(row)
            return row
        self.rows.setdefault(table, []).append(row)
        if len(self.rows[table]) >= BATCH:
            self.flush()
        return row

    def add_scores(self, table: sa.Table, parent_id: int, values: dict[int, Decimal]) -> None:
        """Per-criterion scores, the bulk of the data: plain tuples written by the driver."""
        rows = self.scores.setdefault(table, [])
        rows.extend((parent_id, criterion_id, value) for criterion_id, value in values.items())
        if len(rows) >= 4 * BATCH:
            self.flush()

    def _write_scores(self, table: sa.Table, rows: list[tuple]) -> None:
        driver = self.connection.connection.driver_connection
        columns = [column.name for column in table.c]
        if self.connection.dialect.name == "postgresql":
            with driver.cursor() as cursor, cursor.copy(
                    f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:  # nosec B608
                for row in rows:
                    copy.write_row(row)
        else:
            cursor = driver.cursor()
            cursor.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) "  # nosec B608
                               f"VALUES ({', '.join('?' * len(columns))})",
                               [(a, b, float(value)) for a, b, value in rows])
            cursor.close()
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        rows.clear()

    def flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                self.connection.execute(sa.insert(table), rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
                rows.clear()
        for table, rows in self.scores.items():  # after their sheets
            if rows:
                self._write_scores(table, rows)

    def flush_deferred(self) -> None:
        self.flush()
        for table, rows in self.deferred.items():
            for start in range(0, len(rows), BATCH):
                self.connection.execute(sa.insert(table), rows[start:start + BATCH])
            self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        self.deferred.clear()

    def fix_sequences(self) -> None:
        """PostgreSQL: move each serial past the ids written here."""
        if self.connection.dialect.name != "postgresql":
            return
        for table in self.next_ids:
            self.connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # nosec B608
                f"(SELECT COALESCE(MAX(id), 1) FROM \"{table.name}\"))"))


class SynthBuilder:
    def __init__(self, connection: sa.Connection, size: SynthSize, *, now: datetime) -> None:
        self.size = size
        self.now = now
        self.today = now.date()
        # B311: reproducible synthetic data, not security
        self.random = random.Random(size.seed)  # nosec B311
        self.w = _Writer(connection)
        self.connection = connection
        self.password_hash = generate_password_hash(SYNTH_PASSWORD, method="pbkdf2:sha256:1000")
        version = connection.execute(
            sa.select(RubricVersion.id).join(Rubric).where(Rubric.unit_id.is_(None), Rubric.code == "llct")
            .order_by(RubricVersion.number.desc())).scalar()
        self.rubric_version_id = version
        from core.extensions import db
        self.rubric = db.session.get(RubricVersion, version).spec()
        self.criterion_ids = dict(connection.execute(
            sa.select(Criterion.code, Criterion.id).where(Criterion.version_id == version)).all())
        self.quarters = [Decimal(q) / 4 for q in range(0, 4 * 20 + 1)]
        self.first_year = self.today.year - size.years + 1
        self.first_contest_id = self.w.new_id(Contest.__table__)
        self.w.next_ids[Contest.__table__] -= 1

    # -- helpers ---------------------------------------------------------------------------
    def _stamp(self, day: date, hour: int = 9) -> datetime:
        return datetime.combine(day, time(hour))

    def _name(self) -> tuple[str, str]:
        gender = self.random.choice((Gender.MALE, Gender.FEMALE))
        middle = MALE_MIDDLE if gender == Gender.MALE else FEMALE_MIDDLE
        given = MALE_GIVEN if gender == Gender.MALE else FEMALE_GIVEN
        return (f"{self.random.choice(FAMILY_NAMES)} {self.random.choice(middle)} {self.random.choice(given)}",
                gender.value)

    def _user(self, username: str, full_name: str, grants: list[tuple[int, Role]]) -> int:
        row = self.w.add(User.__table__, username=username, full_name=full_name, password_hash=self.password_hash,
                         is_enabled=True, locale=None, created_at=self.now, updated_at=self.now)
        for unit_id, role in grants:
            self.w.add(RoleGrant.__table__, user_id=row["id"], unit_id=unit_id, role=role.value)
        return row["id"]

    # -- the whole set ---------------------------------------------------------------------
    def build(self, progress: Callable[[int], None] = lambda _n: None) -> dict[str, int]:
        w = self.w
        province = w.add(Province.__table__, name=f"Tỉnh Tổng hợp {self.size.prefix}{self.size.seed}")
        board = w.add(Unit.__table__, province_id=province["id"], name="Ban Tuyên giáo Tỉnh ủy (tổng hợp)",
                      kind=UnitKind.PROVINCIAL_BOARD.value, address="", is_active=True,
                      created_at=self.now, updated_at=self.now)
        self._user(f"{self.size.prefix}synth.overseer", "Giám sát Tỉnh ủy", [(board["id"], Role.OVERSEER)])
        self._user(f"{self.size.prefix}synth.admin", "Quản trị hệ thống", [(board["id"], Role.ADMIN)])
        per_unit = [self.size.lecturers // self.size.units] * self.size.units
        for index in range(self.size.lecturers % self.size.units):
            per_unit[index] += 1
        for number, count in enumerate(per_unit, start=1):
            self._unit(province["id"], number, count)
            progress(1)
        w.flush()
        self._advance_contests()
        w.fix_sequences()
        return dict(w.counts)

    def _unit(self, province_id: int, number: int, lecturer_count: int) -> None:
        w, rng = self.w, self.random
        unit = w.add(Unit.__table__, province_id=province_id, name=f"Trung tâm Chính trị số {number:03d}",
                     kind=UnitKind.DISTRICT_CENTRE.value, address=f"Huyện số {number:03d}", is_active=True,
                     created_at=self.now, updated_at=self.now)
        unit_id = unit["id"]
        topics: list[tuple[int, int, str, int]] = []  # (programme id, topic id, title, periods)
        for code, name, name_en in STANDARD_PROGRAMMES:
            programme = w.add(Programme.__table__, unit_id=unit_id, code=code, name=name, name_en=name_en,
                              is_active=True, created_at=self.now, updated_at=self.now)
            for topic_code, title, periods in TOPICS.get(code, []):
                topic = w.add(Topic.__table__, programme_id=programme["id"], code=topic_code, title=title,
                              periods=periods, is_active=True, created_at=self.now, updated_at=self.now)
                topics.append((programme["id"], topic["id"], title, periods))
        count = max(lecturer_count, REVIEWERS_PER_UNIT + 2)
        names = [self._name() for _ in range(count)]
        # Staff accounts: the director and reviewers teach too (linked to lecturers 0..4).
        prefix = f"{self.size.prefix}u{number:03d}"
        director = self._user(f"{prefix}.director", names[0][0], [(unit_id, Role.DIRECTOR), (unit_id, Role.REVIEWER)])
        reviewers = [director] + [
            self._user(f"{prefix}.reviewer{k}", names[k][0], [(unit_id, Role.REVIEWER), (unit_id, Role.LECTURER)])
            for k in range(1, REVIEWERS_PER_UNIT + 1)]
        secretary = self._user(f"{prefix}.secretary", self._name()[0], [(unit_id, Role.SECRETARY)])
        lecturers = []
        full_time = max(REVIEWERS_PER_UNIT + 1, round(lecturer_count * 0.35))
        for index, (full_name, gender) in enumerate(names):
            is_full_time = index < full_time
            role = (WorkloadRole.DIRECTOR if index == 0 else WorkloadRole.DEPUTY if index == 1
                    else WorkloadRole.FULL_TIME if is_full_time else WorkloadRole.ADJUNCT)
            row = w.add(
                Lecturer.__table__, unit_id=unit_id, user_id=reviewers[index] if index < len(reviewers) else None,
                full_name=full_name, sort_key=name_sort_key(full_name), search_name=fold(full_name),
                birth_year=rng.randint(1965, 1995), gender=gender,
                kind=(LecturerKind.FULL_TIME if is_full_time else LecturerKind.ADJUNCT).value,
                home_body="" if is_full_time else rng.choice(HOME_BODIES),
                position="Giảng viên" if is_full_time else rng.choice(ADJUNCT_POSITIONS),
                workload_role=role.value, theory_level=rng.choice(list(TheoryLevel)).value,
                degree=rng.choice((Degree.BACHELOR, Degree.MASTER, Degree.MASTER, Degree.DOCTOR)).value,
                has_methods_certificate=rng.random() < 0.7,
                start_date=date(rng.randint(1995, self.first_year), rng.randint(1, 12), 1),
                is_active=True, version=1, created_at=self.now, updated_at=self.now)
            lecturers.append(_Person(id=row["id"], user_id=row["user_id"], full_name=full_name,
                                     ability=min(0.97, max(0.4, rng.gauss(0.76, 0.09))),
                                     topics=rng.sample(topics, min(3, len(topics)))))
        severities = list(SEVERITIES[:len(reviewers)])
        rng.shuffle(severities)
        severity = dict(zip(reviewers, severities))
        for lecturer in lecturers:
            for _programme, topic_id, _title, _periods in lecturer.topics:
                w.add(lecturer_topic, lecturer_id=lecturer.id, topic_id=topic_id)
        for year in range(self.first_year, self.today.year + 1):
            self._year(unit_id, year, lecturers, topics, reviewers, severity, director, secretary)
        for lecturer in lecturers:
            self._plan(unit_id, lecturer, director)

    def _last_day(self, year: int) -> date:
        return min(date(year, 12, 31), self.today - timedelta(days=1))

    def _random_day(self, year: int) -> date:
        start = date(year, 1, 5)
        span = max(1, (self._last_day(year) - start).days)
        return start + timedelta(days=self.random.randrange(span))

    def _year(self, unit_id, year, lecturers, topics, reviewers, severity, director, secretary) -> None:
        w, rng = self.w, self.random
        classes = []
        for k in range(CLASSES_PER_YEAR):
            programme_id = topics[k % len(topics)][0]
            start = self._random_day(year)
            end = start + timedelta(days=30)
            classes.append(w.add(
                TrainingClass.__table__, unit_id=unit_id, programme_id=programme_id,
                name=f"Lớp {k + 1:02d}/{year}", start_date=start, end_date=end, place=rng.choice(PLACES),
                is_cluster=rng.random() < 0.3, learner_count=rng.randint(30, 120),
                status=(ClassStatus.COMPLETED if end < self.today else ClassStatus.ONGOING).value,
                created_at=self.now, updated_at=self.now))
        for lecturer in lecturers:
            ability = lecturer.ability + 0.01 * (year - self.first_year)
            for _ in range(OBSERVATIONS_PER_LECTURER_YEAR):
                training_class = rng.choice(classes)
                _programme, topic_id, _title, periods = rng.choice(lecturer.topics)
                day = training_class["start_date"] + timedelta(days=rng.randrange(30))
                day = min(day, self.today - timedelta(days=1))
                session = w.add(TeachingSession.__table__, class_id=training_class["id"], topic_id=topic_id,
                                lecturer_id=lecturer.id, date=day, periods=min(periods, 20), note="",
                                created_at=self.now, updated_at=self.now)
                self._observation(unit_id, lecturer, ability, day, reviewers, severity, director,
                                  kind=ObservationKind.OBSERVED_LESSON, session_id=session["id"], topic_id=topic_id)
            if rng.random() < PRACTICE_SHARE:
                _programme, topic_id, _title, _periods = rng.choice(lecturer.topics)
                self._observation(unit_id, lecturer, ability - 0.03, self._random_day(year), reviewers, severity,
                                  director, kind=ObservationKind.PRACTICE_LECTURE, session_id=None, topic_id=topic_id)
        for month in range(1, 13):
            first = date(year, month, 1)
            if first >= self.today.replace(day=1):
                break
            starts = datetime(year, month, 5, 14, 0)
            w.add(Meeting.__table__, unit_id=unit_id, month=first, number=f"{month:02d}/BB-TTCT",
                  starts_at=starts, ends_at=starts + timedelta(hours=2), place="Hội trường Trung tâm",
                  chair_id=director, secretary_id=secretary, conclusion="Thống nhất kế hoạch dự giờ tháng tới.",
                  state=MinutesState.APPROVED.value, opened_by_id=secretary, approved_at=starts + timedelta(days=1),
                  approved_by_id=director, version=1, created_at=starts, updated_at=starts)
        self._contest(unit_id, year, lecturers, reviewers, director)

    def _observation(self, unit_id, lecturer, ability, day, reviewers, severity, director, *, kind, session_id,
                     topic_id) -> None:
        w, rng = self.w, self.random
        candidates = [r for r in reviewers if r != lecturer.user_id]
        observers = rng.sample(candidates, rng.randint(2, min(4, len(candidates))))
        critical_slip = rng.random() < 0.005
        sheets = []
        for observer in observers:
            level = ability + severity[observer]
            scores = {}
            for criterion in self.rubric.criteria:
                top = int(criterion.max_points * 4)
                quarters = round(top * (level + rng.gauss(0, 0.07)))
                scores[criterion.code] = self.quarters[min(top, max(0, quarters))]
            if critical_slip:
                scores["2.2"] = self.quarters[0]
            sheets.append(scores)
        result = scoring.consolidate(self.rubric, sheets, scoring.MEAN)
        finalized = self._stamp(day, 16)
        observation = w.add(
            Observation.__table__, unit_id=unit_id, kind=kind.value, lecturer_id=lecturer.id,
            session_id=session_id, topic_id=topic_id, topic_text="", date=day,
            rubric_version_id=self.rubric_version_id, is_unannounced=rng.random() < 0.05,
            state=ObservationState.FINALIZED.value, chair_id=observers[0], planned_by_id=director,
            total=result.total, percent=result.percent, rating=result.rating, method=result.method,
            sheet_count=result.sheet_count, spread_stdev=result.spread.stdev, spread_range=result.spread.range,
            disagreement=result.disagreement, debrief=rng.choice(GENERAL_STRENGTHS), action_points="",
            finalized_at=finalized, finalized_by_id=observers[0], version=1,
            created_at=self._stamp(day - timedelta(days=7)), updated_at=finalized)
        w.add_scores(ObservationScore.__table__, observation["id"],
                     {self.criterion_ids[code]: value for code, value in result.per_criterion.items()})
        for observer, scores in zip(observers, sheets):
            total = scoring.sheet_total(scores)
            # Inserted as a draft with its scores, then marked submitted (see mark_submitted).
            sheet = w.add(Sheet.__table__, observation_id=observation["id"], observer_id=observer,
                          state=SheetState.DRAFT.value, notes="", strengths=rng.choice(GENERAL_STRENGTHS),
                          shortcomings=rng.choice(NO_SHORTCOMINGS), recommendations=rng.choice(NO_RECOMMENDATIONS),
                          total=total, percent=scoring.percent(total, self.rubric.max_total),
                          rating=scoring.rating(self.rubric, total, scores), updated_at=finalized,
                          submitted_at=self._stamp(day, 11), version=1)
            w.add_scores(SheetScore.__table__, sheet["id"],
                         {self.criterion_ids[code]: value for code, value in scores.items()})
        if kind == ObservationKind.PRACTICE_LECTURE:
            again = result.rating in (scoring.UNSATISFACTORY, scoring.SATISFACTORY)
            w.add(PracticeLecture.__table__, observation_id=observation["id"],
                  purpose=rng.choice(list(PracticePurpose)).value, audience="Tổ chuyên môn",
                  allowed_minutes=45, actual_minutes=rng.randint(38, 55),
                  self_assessment=rng.choice(SELF_ASSESSMENTS), self_assessed_at=finalized,
                  verdict=(PracticeVerdict.AGAIN if again else PracticeVerdict.READY).value,
                  rehearse_by=day + timedelta(days=30) if again else None, follow_up_id=None, previous_id=None)

    def _contest(self, unit_id, year, lecturers, reviewers, director) -> None:
        w, rng = self.w, self.random
        current = year == self.today.year
        contest = w.add(Contest.__table__, unit_id=unit_id, organiser_id=director,
                        name=f"Hội thi giảng viên dạy giỏi cấp cơ sở năm {year}", level=ContestLevel.UNIT.value,
                        year=year, starts_on=date(year, 9, 1), ends_on=date(year, 9, 30),
                        eligibility=Eligibility.ALL.value, aggregation=Aggregation.MEAN.value, tie_break=[],
                        phase=ContestPhase.SETUP.value,  # moved on in _advance_contests
                        created_at=self.now, updated_at=self.now)
        components = [w.add(ContestComponent.__table__, contest_id=contest["id"], position=position, code=code,
                            name=name, max_points=Decimal(maximum), weight=Decimal(weight),
                            time_limit_minutes=limit, rubric_version_id=None)
                      for position, (code, name, maximum, weight, limit) in enumerate(
                          (("plan", "Giáo án", 20, 1, None), ("lecture", "Giảng bài", 20, 2, 45)), start=1)]
        judges = reviewers[:3]
        for judge in judges:
            w.add(ContestJudge.__table__, contest_id=contest["id"], user_id=judge, is_head=judge == director,
                  added_at=self.now)
        entrants = [lecturer for lecturer in lecturers if lecturer.user_id not in judges]
        for lecturer in rng.sample(entrants, min(CONTEST_ENTRIES, len(entrants))):
            entry = w.add(ContestEntry.__table__, contest_id=contest["id"], lecturer_id=lecturer.id,
                          unit_id=unit_id, topic=lecturer.topics[0][2], nomination_id=None,
                          created_at=self.now)
            for component in components:
                for judge in judges:
                    points = Decimal(round(20 * min(1.0, lecturer.ability + rng.gauss(0, 0.05)) * 4)) / 4
                    w.add(ContestMark.__table__, contest_id=contest["id"], entry_id=entry["id"],
                          component_id=component["id"], judge_id=judge, points=max(Decimal(0), points),
                          updated_at=self.now, defer=True)

    def _advance_contests(self) -> None:
        """Components, judges and entries are written during setup, marks while judging (the
        database guards insist); past years' contests are then closed."""
        table = Contest.__table__
        synthetic = table.c.id >= self.first_contest_id
        self.connection.execute(sa.update(table).where(synthetic).values(phase=ContestPhase.JUDGING.value))
        self.w.flush_deferred()
        self.connection.execute(sa.update(table).where(synthetic, table.c.year < self.today.year)
                                .values(phase=ContestPhase.CLOSED.value))

    def _plan(self, unit_id, lecturer, director) -> None:
        programme_id, topic_id, title, periods = lecturer.topics[0]
        plan = self.w.add(LessonPlan.__table__, unit_id=unit_id, lecturer_id=lecturer.id,
                          programme_id=programme_id, topic_id=topic_id, title=title,
                          created_at=self.now, updated_at=self.now)
        self.w.add(LessonPlanVersion.__table__, plan_id=plan["id"], number=1, state=PlanState.APPROVED.value,
                   audience="Đảng viên mới", duration_periods=min(periods, 60), outline="I. Mở đầu\nII. Nội dung\n"
                   "III. Kết luận", created_by_id=lecturer.user_id or director,
                   submitted_at=self.now - timedelta(days=20), decided_at=self.now - timedelta(days=10),
                   decided_by_id=director, version=1, created_at=self.now, updated_at=self.now)


def mark_submitted(connection: sa.Connection, after_id: int) -> None:
    """The synthetic sheets (ids above ``after_id``) become submitted, after their scores were
    written: in id ranges, so no statement is huge."""
    table = Sheet.__table__
    last = connection.scalar(sa.select(sa.func.max(table.c.id))) or 0
    for start in range(after_id + 1, last + 1, 50_000):
        connection.execute(sa.update(table).where(table.c.id.between(start, start + 49_999),
                                                  table.c.state == SheetState.DRAFT.value)
                           .values(state=SheetState.SUBMITTED.value))


def synthesize(connection: sa.Connection, size: SynthSize, *, now: datetime,
               progress: Callable[[int], None] = lambda _n: None) -> dict[str, int]:
    """Write the synthetic data set through ``connection``; returns row counts per table."""
    before = connection.scalar(sa.select(sa.func.max(Sheet.__table__.c.id))) or 0
    counts = SynthBuilder(connection, size, now=now).build(progress)
    mark_submitted(connection, before)
    return counts


def open_observation(connection: sa.Connection, username: str, *, now: datetime) -> int:
    """An observation in progress today in ``username``'s unit, with an empty draft sheet for
    them and another reviewer: something to score (the benchmark saves this sheet). Returns
    the observation's id; reuses one already open for them."""
    user_id, unit_id = connection.execute(
        sa.select(User.id, RoleGrant.unit_id).join(RoleGrant).where(User.username == username,
                                                                    RoleGrant.role == Role.REVIEWER.value)).one()
    sheet, observation = Sheet.__table__, Observation.__table__
    existing = connection.scalar(
        sa.select(observation.c.id).join(sheet, sheet.c.observation_id == observation.c.id)
        .where(sheet.c.observer_id == user_id, observation.c.state == ObservationState.IN_PROGRESS.value))
    if existing:
        return existing
    lecturer_id, topic_id = connection.execute(
        sa.select(Lecturer.id, lecturer_topic.c.topic_id).join(lecturer_topic)
        .where(Lecturer.unit_id == unit_id, Lecturer.user_id.is_(None)).order_by(Lecturer.id.desc()).limit(1)).one()
    other = connection.scalar(sa.select(RoleGrant.user_id).where(
        RoleGrant.unit_id == unit_id, RoleGrant.role == Role.REVIEWER.value, RoleGrant.user_id != user_id))
    version = connection.scalar(sa.select(RubricVersion.id).join(Rubric).where(
        Rubric.unit_id.is_(None), Rubric.code == "llct").order_by(RubricVersion.number.desc()))
    writer = _Writer(connection)
    row = writer.add(observation, unit_id=unit_id, kind=ObservationKind.OBSERVED_LESSON.value, lecturer_id=lecturer_id,
                     session_id=None, topic_id=topic_id, topic_text="", date=now.date(), rubric_version_id=version,
                     is_unannounced=False, state=ObservationState.IN_PROGRESS.value, chair_id=user_id,
                     planned_by_id=user_id, debrief="", action_points="", version=1, created_at=now, updated_at=now)
    for observer in (user_id, other):
        writer.add(sheet, observation_id=row["id"], observer_id=observer, state=SheetState.DRAFT.value, notes="",
                   strengths="", shortcomings="", recommendations="", updated_at=now, version=1)
    writer.flush()
    writer.fix_sequences()
    return row["id"]
