"""Codes of the contests feature, each with a translated label; contest phases with their
allowed transitions."""
from flask_babel import lazy_pgettext as pgettext  # lazy; named so extraction sees pgettext(context, msgid)

from core.i18n import LabelledEnum
from core.i18n import lazy_gettext as _l


class ContestLevel(LabelledEnum):
    UNIT = "unit", pgettext("contest level", "Unit")
    CLUSTER = "cluster", pgettext("contest level", "Cluster")
    PROVINCE = "province", pgettext("contest level", "Province")
    REGION = "region", pgettext("contest level", "Region")
    NATIONAL = "national", pgettext("contest level", "National")


class Eligibility(LabelledEnum):
    ALL = "all", _l("All lecturers")
    FULL_TIME = "full_time", _l("Full-time lecturers only")


class Aggregation(LabelledEnum):
    """How the judges' marks of one component combine (contests.scoring.combine)."""

    MEAN = "mean", _l("Mean")
    TRIMMED_MEAN = "trimmed_mean", _l("Trimmed mean (drop the highest and the lowest with 5 or more judges)")
    MEDIAN = "median", _l("Median")


class ContestPhase(LabelledEnum):
    """setup → judging → closed → published. Marks are given only while judging; once the
    contest is closed they are fixed (in the database too)."""

    SETUP = "setup", pgettext("contest phase", "Setting up")
    JUDGING = "judging", pgettext("contest phase", "Judging")
    CLOSED = "closed", pgettext("contest phase", "Judging closed")
    PUBLISHED = "published", pgettext("contest phase", "Results published")


PHASE_TRANSITIONS = {
    ContestPhase.SETUP: {ContestPhase.JUDGING},
    ContestPhase.JUDGING: {ContestPhase.CLOSED},
    ContestPhase.CLOSED: {ContestPhase.PUBLISHED},
    ContestPhase.PUBLISHED: set(),
}


class Prize(LabelledEnum):
    FIRST = "first", _l("First prize")
    SECOND = "second", _l("Second prize")
    THIRD = "third", _l("Third prize")
    CONSOLATION = "consolation", _l("Consolation prize")


class ConflictReason(LabelledEnum):
    SAME_UNIT = "same_unit", _l("Same unit")
    RELATIVE = "relative", _l("Relative")
    OTHER = "other", pgettext("conflict reason", "Other")
