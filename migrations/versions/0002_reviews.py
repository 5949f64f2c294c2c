"""rubrics, observations, sheets, amendments, conflicts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 07:50:36.094424

"""
from datetime import datetime
from decimal import Decimal

from alembic import op
import sqlalchemy as sa

from core.guards import append_only, drop_append_only, drop_refuse_when, refuse_when


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


USED_VERSION = "EXISTS (SELECT 1 FROM observation WHERE observation.rubric_version_id = {row}.version_id)"
SUBMITTED_SHEET = "EXISTS (SELECT 1 FROM sheet WHERE sheet.id = {row}.sheet_id AND sheet.state = 'submitted')"
GUARDS = [
    ("sheet_submitted_no_update", "sheet", "UPDATE", "OLD.state = 'submitted'"),
    ("sheet_submitted_no_delete", "sheet", "DELETE", "OLD.state = 'submitted'"),
    ("sheet_score_locked_insert", "sheet_score", "INSERT", SUBMITTED_SHEET.format(row="NEW")),
    ("sheet_score_locked_update", "sheet_score", "UPDATE", SUBMITTED_SHEET.format(row="OLD")),
    ("sheet_score_locked_delete", "sheet_score", "DELETE", SUBMITTED_SHEET.format(row="OLD")),
    ("observation_final_no_update", "observation", "UPDATE", "OLD.state = 'finalized'"),
    ("observation_final_no_delete", "observation", "DELETE", "OLD.state = 'finalized'"),
]
for _table in ("criterion", "rubric_domain", "rating_band"):
    GUARDS += [
        (f"{_table}_used_insert", _table, "INSERT", USED_VERSION.format(row="NEW")),
        (f"{_table}_used_update", _table, "UPDATE", USED_VERSION.format(row="OLD")),
        (f"{_table}_used_delete", _table, "DELETE", USED_VERSION.format(row="OLD")),
    ]
APPEND_ONLY = ("observation_score", "amendment")

# The two shipped templates (SPEC §3.4; reference/domain-notes.md §2.1), shared by every unit.
TEMPLATES = [
    {
        "code": "llct", "is_default": True,
        "name": "Phiếu đánh giá giờ giảng lý luận chính trị",
        "name_en": "Political-theory lecture observation form",
        "domains": [
            ("1", "Chuẩn bị", "Preparation", [
                ("1.1", "Chuẩn bị giáo án, slide trình chiếu, tài liệu", "Lesson plan, slides and materials prepared", "2", False)]),
            ("2", "Nội dung", "Content", [
                ("2.1", "Tính Đảng: đúng quan điểm, đường lối của Đảng, chính sách, pháp luật của Nhà nước",
                 "Party-mindedness: faithful to the Party's line and the State's policies and laws", "2", True),
                ("2.2", "Tính khoa học: chính xác, có hệ thống, làm rõ trọng tâm",
                 "Scientific rigour: accurate, systematic, key points made clear", "2", True),
                ("2.3", "Tính thực tiễn: liên hệ thực tiễn địa phương, cập nhật nghị quyết mới",
                 "Practical relevance: local examples, the latest resolutions", "2", False),
                ("2.4", "Tính giáo dục", "Educational value", "1", False)]),
            ("3", "Phương pháp", "Method", [
                ("3.1", "Phát huy tính tích cực, chủ động của học viên", "Engages learners actively", "2", False),
                ("3.2", "Kết hợp hợp lý phương pháp và phương tiện dạy học", "Combines methods and teaching aids well", "2", False),
                ("3.3", "Xử lý tình huống, trả lời câu hỏi của học viên", "Handles situations and answers learners' questions", "1", False)]),
            ("4", "Tác phong, ngôn ngữ, trình chiếu, thời gian", "Demeanour, language, slides and time", [
                ("4.1", "Tác phong sư phạm, ngôn ngữ trong sáng, trình chiếu phù hợp",
                 "Teaching demeanour, clear language, suitable slides", "2", False),
                ("4.2", "Quản lý thời gian đúng kế hoạch", "Time kept to the plan", "1", False)]),
            ("5", "Hiệu quả", "Effectiveness", [
                ("5.1", "Học viên tiếp thu bài, hứng thú học tập", "Learners understand and are engaged", "3", False)]),
        ],
    },
    {
        "code": "school", "is_default": False,
        "name": "Phiếu đánh giá tiết dạy (20 điểm)",
        "name_en": "Lesson evaluation form (20 points)",
        "domains": [
            ("I", "Nội dung", "Content", [
                ("1.1", "Xác định rõ ràng yêu cầu cần đạt, nội dung cơ bản và trọng tâm của bài dạy.",
                 "States clearly the expected outcomes, the core content and the focus of the lesson.", "1", True),
                ("1.2", "Nội dung kiến thức đảm bảo tính chính xác, có hệ thống.", "Knowledge is accurate and systematic.", "1", False),
                ("1.3", "Nội dung dạy học đảm bảo giáo dục toàn diện (về thái độ, tình cảm, thẩm mĩ).",
                 "Teaching educates the whole person (attitudes, feelings, aesthetics).", "0.5", False),
                ("1.4", "Khai thác nội dung dạy học chú trọng hình thành và phát triển các năng lực và phẩm chất của học sinh.",
                 "Content is used to build learners' competences and qualities.", "1", False),
                ("1.5", "Nội dung dạy học phù hợp tâm lý lứa tuổi, tác động tới các đối tượng, kể cả học sinh khuyết tật, lớp ghép (nếu có).",
                 "Content suits the learners and reaches every group, including learners with disabilities.", "1", False),
                ("1.6", "Nội dung dạy học cập nhật những vấn đề xã hội, nhân văn, gắn với thực tế, đời sống xung quanh.",
                 "Content is current and tied to real life.", "0.5", False)]),
            ("II", "Hoạt động của giáo viên", "Teacher's activity", [
                ("2.1", "Phương pháp dạy học đúng đặc trưng bộ môn, đúng loại bài.",
                 "Methods fit the subject and the type of lesson.", "1", True),
                ("2.2", "Tổ chức các hoạt động dạy học linh hoạt, đa dạng, sáng tạo, đảm bảo yêu cầu cần đạt, phát huy sự sáng tạo của học sinh.",
                 "Activities are flexible, varied and creative, meet the outcomes and draw out learners' creativity.", "1", False),
                ("2.3", "Đánh giá học sinh đảm bảo phát triển phẩm chất và năng lực.",
                 "Assessment develops learners' qualities and competences.", "1", False),
                ("2.4", "Tác phong sư phạm chuẩn mực, gần gũi, ân cần; kịp thời hỗ trợ, động viên học sinh.",
                 "Exemplary, warm demeanour; timely support and encouragement.", "1", False),
                ("2.5", "Xử lý các tình huống sư phạm phù hợp đối tượng, có tác dụng giáo dục tích cực.",
                 "Handles teaching situations well, with a positive educational effect.", "0.5", False),
                ("2.6", "Sử dụng thiết bị, đồ dùng dạy học (kể cả tự làm) thiết thực, hiệu quả.",
                 "Uses equipment and teaching aids practically and effectively.", "1", False),
                ("2.7", "Lời nói mạch lạc, truyền cảm; chữ viết đúng, đẹp; trình bày bảng hợp lí.",
                 "Clear, expressive speech; correct writing; sensible board layout.", "0.5", False),
                ("2.8", "Phân bố thời gian đảm bảo tiến trình tiết dạy, đạt yêu cầu cần đạt, phù hợp thực tế lớp học.",
                 "Time is spread to keep the lesson on course and meet the outcomes.", "1", False)]),
            ("III", "Hoạt động của học sinh", "Learners' activity", [
                ("3.1", "Học sinh tự giác, chủ động, tích cực, sáng tạo thực hiện nhiệm vụ học tập.",
                 "Learners work on their tasks willingly, actively and creatively.", "1", False),
                ("3.2", "Học sinh tương tác, hợp tác giúp đỡ nhau thực hiện nhiệm vụ.",
                 "Learners interact and help each other with the tasks.", "1", True),
                ("3.3", "Học sinh có cơ hội tự đánh giá và đánh giá lẫn nhau.",
                 "Learners can assess themselves and each other.", "1", False)]),
            ("IV", "Hiệu quả", "Effectiveness", [
                ("4.1", "Học sinh đạt yêu cầu cần đạt, vận dụng được vào giải quyết tình huống thực tế.",
                 "Learners reach the outcomes and apply them to real situations.", "3", True),
                ("4.2", "Tiết dạy hợp lý, nhẹ nhàng; hoạt động diễn ra tự nhiên, hiệu quả.",
                 "The lesson is well paced; activities flow naturally and effectively.", "1", False),
                ("4.3", "Học sinh hứng thú học tập, tự tin thể hiện tình cảm, thái độ.",
                 "Learners are engaged and express themselves with confidence.", "1", False)]),
        ],
    },
]
BANDS = [("excellent", "18"), ("good", "14"), ("satisfactory", "10")]


def _seed_templates():
    rubric = sa.table("rubric", sa.column("id", sa.Integer), sa.column("unit_id", sa.Integer),
                      sa.column("code", sa.String), sa.column("name", sa.String), sa.column("name_en", sa.String),
                      sa.column("is_default", sa.Boolean), sa.column("created_at", sa.DateTime),
                      sa.column("updated_at", sa.DateTime))
    version = sa.table("rubric_version", sa.column("id", sa.Integer), sa.column("rubric_id", sa.Integer),
                       sa.column("number", sa.Integer), sa.column("state", sa.String),
                       sa.column("created_at", sa.DateTime), sa.column("published_at", sa.DateTime))
    domain = sa.table("rubric_domain", sa.column("id", sa.Integer), sa.column("version_id", sa.Integer),
                      sa.column("position", sa.Integer), sa.column("code", sa.String), sa.column("title", sa.String),
                      sa.column("title_en", sa.String))
    criterion = sa.table("criterion", sa.column("version_id", sa.Integer), sa.column("domain_id", sa.Integer),
                         sa.column("domain_position", sa.Integer), sa.column("position", sa.Integer),
                         sa.column("code", sa.String), sa.column("title", sa.String), sa.column("title_en", sa.String),
                         sa.column("max_points", sa.Numeric), sa.column("step", sa.Numeric),
                         sa.column("is_critical", sa.Boolean), sa.column("descriptors", sa.Text))
    band = sa.table("rating_band", sa.column("version_id", sa.Integer), sa.column("code", sa.String),
                    sa.column("min_total", sa.Numeric))
    bind = op.get_bind()
    now = datetime(2026, 1, 1)
    for template in TEMPLATES:
        rubric_id = bind.execute(rubric.insert().returning(rubric.c.id).values(
            unit_id=None, code=template["code"], name=template["name"], name_en=template["name_en"],
            is_default=template["is_default"], created_at=now, updated_at=now)).scalar_one()
        version_id = bind.execute(version.insert().returning(version.c.id).values(
            rubric_id=rubric_id, number=1, state="published", created_at=now, published_at=now)).scalar_one()
        for position, (code, title, title_en, criteria) in enumerate(template["domains"]):
            domain_id = bind.execute(domain.insert().returning(domain.c.id).values(
                version_id=version_id, position=position, code=code, title=title, title_en=title_en)).scalar_one()
            bind.execute(criterion.insert(), [
                {"version_id": version_id, "domain_id": domain_id, "domain_position": position, "position": index,
                 "code": c_code, "title": c_title, "title_en": c_title_en, "max_points": Decimal(points),
                 "step": Decimal("0.25"), "is_critical": critical, "descriptors": ""}
                for index, (c_code, c_title, c_title_en, points, critical) in enumerate(criteria)])
        bind.execute(band.insert(), [{"version_id": version_id, "code": code, "min_total": Decimal(minimum)}
                                     for code, minimum in BANDS])


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('review_settings',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('consolidation_method', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_review_settings_unit_id_unit')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_review_settings'))
    )
    op.create_table('rubric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_rubric_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric'))
    )
    with op.batch_alter_table('rubric', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_unit_id'), ['unit_id'], unique=False)

    op.create_table('observer_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('lecturer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['user.id'], name=op.f('fk_observer_conflict_declared_by_id_user')),
    sa.ForeignKeyConstraint(['lecturer_id'], ['lecturer.id'], name=op.f('fk_observer_conflict_lecturer_id_lecturer')),
    sa.ForeignKeyConstraint(['observer_id'], ['user.id'], name=op.f('fk_observer_conflict_observer_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_observer_conflict_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observer_conflict')),
    sa.UniqueConstraint('observer_id', 'lecturer_id', name=op.f('uq_observer_conflict_observer_id'))
    )
    with op.batch_alter_table('observer_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observer_conflict_lecturer_id'), ['lecturer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observer_conflict_observer_id'), ['observer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observer_conflict_unit_id'), ['unit_id'], unique=False)

    op.create_table('rubric_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_rubric_version_rubric_id_rubric'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_version')),
    sa.UniqueConstraint('rubric_id', 'number', name=op.f('uq_rubric_version_rubric_id'))
    )
    with op.batch_alter_table('rubric_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_version_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('rating_band',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('min_total', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['rubric_version.id'], name=op.f('fk_rating_band_version_id_rubric_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_band')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_rating_band_version_id'))
    )
    with op.batch_alter_table('rating_band', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_band_version_id'), ['version_id'], unique=False)

    op.create_table('rubric_domain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['rubric_version.id'], name=op.f('fk_rubric_domain_version_id_rubric_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_domain')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_rubric_domain_version_id'))
    )
    with op.batch_alter_table('rubric_domain', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_domain_version_id'), ['version_id'], unique=False)

    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.Column('domain_position', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('title_en', sa.String(length=500), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('step', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('is_critical', sa.Boolean(), nullable=False),
    sa.Column('descriptors', sa.Text(), nullable=False),
    sa.CheckConstraint('max_points > 0 AND step > 0', name=op.f('ck_criterion_positive_points')),
    sa.ForeignKeyConstraint(['domain_id'], ['rubric_domain.id'], name=op.f('fk_criterion_domain_id_rubric_domain'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['rubric_version.id'], name=op.f('fk_criterion_version_id_rubric_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_criterion_version_id'))
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_domain_id'), ['domain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_criterion_version_id'), ['version_id'], unique=False)

    op.create_table('observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('lecturer_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('topic_text', sa.String(length=300), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('rubric_version_id', sa.Integer(), nullable=False),
    sa.Column('is_unannounced', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('planned_by_id', sa.Integer(), nullable=True),
    sa.Column('total', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('rating', sa.String(length=16), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('sheet_count', sa.Integer(), nullable=True),
    sa.Column('spread_stdev', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('spread_range', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('disagreement', sa.Boolean(), nullable=True),
    sa.Column('debrief', sa.Text(), nullable=False),
    sa.Column('action_points', sa.Text(), nullable=False),
    sa.Column('finalized_at', sa.DateTime(), nullable=True),
    sa.Column('finalized_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['user.id'], name=op.f('fk_observation_chair_id_user')),
    sa.ForeignKeyConstraint(['finalized_by_id'], ['user.id'], name=op.f('fk_observation_finalized_by_id_user')),
    sa.ForeignKeyConstraint(['lecturer_id'], ['lecturer.id'], name=op.f('fk_observation_lecturer_id_lecturer')),
    sa.ForeignKeyConstraint(['planned_by_id'], ['user.id'], name=op.f('fk_observation_planned_by_id_user')),
    sa.ForeignKeyConstraint(['rubric_version_id'], ['rubric_version.id'], name=op.f('fk_observation_rubric_version_id_rubric_version')),
    sa.ForeignKeyConstraint(['session_id'], ['teaching_session.id'], name=op.f('fk_observation_session_id_teaching_session')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_observation_topic_id_topic')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_observation_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation'))
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_finalized_at'), ['finalized_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_lecturer_id'), ['lecturer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_rubric_version_id'), ['rubric_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_state'), ['state'], unique=False)
        batch_op.create_index('ix_observation_unit_date', ['unit_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_unit_id'), ['unit_id'], unique=False)

    op.create_table('amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observation_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_amendment_by_id_user')),
    sa.ForeignKeyConstraint(['observation_id'], ['observation.id'], name=op.f('fk_amendment_observation_id_observation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment'))
    )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_observation_id'), ['observation_id'], unique=False)

    op.create_table('observation_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_observation_response_author_id_user')),
    sa.ForeignKeyConstraint(['observation_id'], ['observation.id'], name=op.f('fk_observation_response_observation_id_observation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_response')),
    sa.UniqueConstraint('observation_id', name=op.f('uq_observation_response_observation_id'))
    )
    op.create_table('observation_score',
    sa.Column('observation_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_observation_score_criterion_id_criterion')),
    sa.ForeignKeyConstraint(['observation_id'], ['observation.id'], name=op.f('fk_observation_score_observation_id_observation')),
    sa.PrimaryKeyConstraint('observation_id', 'criterion_id', name=op.f('pk_observation_score'))
    )
    op.create_table('sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observation_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('shortcomings', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.Column('total', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('rating', sa.String(length=16), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['observation_id'], ['observation.id'], name=op.f('fk_sheet_observation_id_observation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observer_id'], ['user.id'], name=op.f('fk_sheet_observer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet')),
    sa.UniqueConstraint('observation_id', 'observer_id', name=op.f('uq_sheet_observation_id'))
    )
    with op.batch_alter_table('sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_observation_id'), ['observation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sheet_observer_id'), ['observer_id'], unique=False)

    op.create_table('sheet_score',
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_sheet_score_criterion_id_criterion')),
    sa.ForeignKeyConstraint(['sheet_id'], ['sheet.id'], name=op.f('fk_sheet_score_sheet_id_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sheet_id', 'criterion_id', name=op.f('pk_sheet_score'))
    )
    # ### end Alembic commands ###

    dialect = op.get_bind().dialect.name
    for name, table, event, condition in GUARDS:
        for statement in refuse_when(dialect, name, table, event, condition):
            op.execute(statement)
    for table in APPEND_ONLY:
        for statement in append_only(dialect, table):
            op.execute(statement)
    _seed_templates()


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, table, _event, _condition in GUARDS:
        for statement in drop_refuse_when(dialect, name, table):
            op.execute(statement)
    for table in APPEND_ONLY:
        for statement in drop_append_only(dialect, table):
            op.execute(statement)
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('sheet_score')
    with op.batch_alter_table('sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_observer_id'))
        batch_op.drop_index(batch_op.f('ix_sheet_observation_id'))

    op.drop_table('sheet')
    op.drop_table('observation_score')
    op.drop_table('observation_response')
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_observation_id'))

    op.drop_table('amendment')
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_unit_id'))
        batch_op.drop_index('ix_observation_unit_date')
        batch_op.drop_index(batch_op.f('ix_observation_state'))
        batch_op.drop_index(batch_op.f('ix_observation_session_id'))
        batch_op.drop_index(batch_op.f('ix_observation_rubric_version_id'))
        batch_op.drop_index(batch_op.f('ix_observation_lecturer_id'))
        batch_op.drop_index(batch_op.f('ix_observation_kind'))
        batch_op.drop_index(batch_op.f('ix_observation_finalized_at'))
        batch_op.drop_index(batch_op.f('ix_observation_date'))

    op.drop_table('observation')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_version_id'))
        batch_op.drop_index(batch_op.f('ix_criterion_domain_id'))

    op.drop_table('criterion')
    with op.batch_alter_table('rubric_domain', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_domain_version_id'))

    op.drop_table('rubric_domain')
    with op.batch_alter_table('rating_band', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_band_version_id'))

    op.drop_table('rating_band')
    with op.batch_alter_table('rubric_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_version_rubric_id'))

    op.drop_table('rubric_version')
    with op.batch_alter_table('observer_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observer_conflict_unit_id'))
        batch_op.drop_index(batch_op.f('ix_observer_conflict_observer_id'))
        batch_op.drop_index(batch_op.f('ix_observer_conflict_lecturer_id'))

    op.drop_table('observer_conflict')
    with op.batch_alter_table('rubric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_unit_id'))

    op.drop_table('rubric')
    op.drop_table('review_settings')
    # ### end Alembic commands ###
