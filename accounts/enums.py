from core.i18n import LabelledEnum
from core.i18n import lazy_gettext as _l


class Role(LabelledEnum):
    LECTURER = "lecturer", _l("Lecturer")
    REVIEWER = "reviewer", _l("Reviewer")
    SECRETARY = "secretary", _l("Secretary")
    DIRECTOR = "director", _l("Director")
    OVERSEER = "overseer", _l("Provincial overseer")
    ADMIN = "admin", _l("Administrator")


class UnitKind(LabelledEnum):
    DISTRICT_CENTRE = "district_centre", _l("District political centre")
    PROVINCIAL_SCHOOL = "provincial_school", _l("Provincial political school")
    FACULTY = "faculty", _l("Faculty")
    PROVINCIAL_BOARD = "provincial_board", _l("Provincial board")


# Roles that may read the records of a unit (lecturers see only their own records).
STAFF_ROLES = frozenset({Role.DIRECTOR, Role.REVIEWER, Role.SECRETARY, Role.OVERSEER})
