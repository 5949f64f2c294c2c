from core.i18n import LabelledEnum
from core.i18n import lazy_gettext as _l


class LecturerKind(LabelledEnum):
    FULL_TIME = "full_time", _l("Full-time")
    ADJUNCT = "adjunct", _l("Adjunct")


class Gender(LabelledEnum):
    FEMALE = "female", _l("Female")
    MALE = "male", _l("Male")


class TheoryLevel(LabelledEnum):
    ELEMENTARY = "elementary", _l("Elementary (sơ cấp)")
    INTERMEDIATE = "intermediate", _l("Intermediate (trung cấp)")
    ADVANCED = "advanced", _l("Advanced (cao cấp)")
    BACHELOR = "bachelor", _l("Bachelor of political theory (cử nhân)")


class Degree(LabelledEnum):
    NONE = "none", _l("No university degree")
    BACHELOR = "bachelor", _l("Bachelor")
    MASTER = "master", _l("Master")
    DOCTOR = "doctor", _l("Doctor")


class WorkloadRole(LabelledEnum):
    """Which yearly teaching norm applies (QĐ 1853-QĐ/BTGTW)."""

    DIRECTOR = "director", _l("Director")
    DEPUTY = "deputy", _l("Deputy director")
    FULL_TIME = "full_time", _l("Full-time lecturer")
    FULL_TIME_ADMIN = "full_time_admin", _l("Full-time lecturer with office duties")
    ADJUNCT = "adjunct", _l("Adjunct lecturer")


class ClassStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    ONGOING = "ongoing", _l("In progress")
    COMPLETED = "completed", _l("Completed")
    CANCELLED = "cancelled", _l("Cancelled")


class PlanState(LabelledEnum):
    """The state of one version of a lesson plan; a plan's state is its latest version's."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _l("Changes requested")
    APPROVED = "approved", _l("Approved")
    SUPERSEDED = "superseded", _l("Superseded")


# draft → submitted → approved | changes_requested; a new version is a new draft, and
# approving it supersedes the version approved before. Nothing else moves.
PLAN_TRANSITIONS = {
    PlanState.DRAFT: {PlanState.SUBMITTED},
    PlanState.SUBMITTED: {PlanState.APPROVED, PlanState.CHANGES_REQUESTED},
    PlanState.CHANGES_REQUESTED: set(),
    PlanState.APPROVED: {PlanState.SUPERSEDED},
    PlanState.SUPERSEDED: set(),
}
# A new version may be started from these (its draft copies the latest version).
REVISABLE_STATES = frozenset({PlanState.CHANGES_REQUESTED, PlanState.APPROVED})


class PlanSection(LabelledEnum):
    """What a reviewer's comment is about."""

    GENERAL = "general", _l("General")
    AIMS = "aims", _l("Aims")
    OUTLINE = "outline", _l("Content outline and time")
    METHODS = "methods", _l("Teaching methods")
    AIDS = "aids", _l("Teaching aids")
    READINGS = "readings", _l("Readings")
    FILE = "file", _l("Attached file")


class PlanDecision(LabelledEnum):
    APPROVE = "approve", _l("Approve")
    REQUEST_CHANGES = "request_changes", _l("Request changes")


# The standard programmes every unit starts with (SPEC §2; reference/domain-notes.md §6).
STANDARD_PROGRAMMES = [
    ("NTD", "Bồi dưỡng nhận thức về Đảng", "Party awareness course"),
    ("DVM", "Bồi dưỡng lý luận chính trị cho đảng viên mới", "Political theory for new Party members"),
    ("SCLL", "Sơ cấp lý luận chính trị", "Elementary political theory"),
    ("BDCD", "Bồi dưỡng chuyên đề", "Thematic training"),
    ("CNKT", "Cập nhật kiến thức", "Knowledge update"),
    ("BDNV", "Bồi dưỡng nghiệp vụ", "Professional-skills training"),
    ("BTCB", "Bồi dưỡng bí thư chi bộ và cấp ủy viên cơ sở",
     "Party-work course for cell secretaries and grassroots committee members"),
]
