from core.i18n import LabelledEnum
from core.i18n import lazy_gettext as _l


class ObservationKind(LabelledEnum):
    OBSERVED_LESSON = "observed_lesson", _l("Observed lesson")
    PRACTICE_LECTURE = "practice_lecture", _l("Practice lecture")


class ObservationState(LabelledEnum):
    """planned → in_progress (first sheet saved) → finalized; amendments after that."""

    PLANNED = "planned", _l("Planned")
    IN_PROGRESS = "in_progress", _l("In progress")
    FINALIZED = "finalized", _l("Finalised")


OBSERVATION_TRANSITIONS = {
    ObservationState.PLANNED: {ObservationState.IN_PROGRESS, ObservationState.FINALIZED},
    ObservationState.IN_PROGRESS: {ObservationState.FINALIZED},
    ObservationState.FINALIZED: set(),
}


class SheetState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")


class RubricVersionState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    RETIRED = "retired", _l("Retired")


class Rating(LabelledEnum):
    EXCELLENT = "excellent", _l("Excellent")
    GOOD = "good", _l("Good")
    SATISFACTORY = "satisfactory", _l("Satisfactory")
    UNSATISFACTORY = "unsatisfactory", _l("Unsatisfactory")


class ConsolidationMethod(LabelledEnum):
    MEAN = "mean", _l("Mean of the sheets")
    TRIMMED_MEAN = "trimmed_mean", _l("Trimmed mean (drop the highest and the lowest) with 5 or more sheets")
    MEDIAN = "median", _l("Median with 5 or more sheets")


class ConflictKind(LabelledEnum):
    RELATIVE = "relative", _l("Relative")
    SAME_TEAM = "same_team", _l("Works in the same team")
    OTHER = "other", _l("Other")


class ResponseKind(LabelledEnum):
    ACKNOWLEDGE = "acknowledge", _l("I acknowledge the result")
    DISAGREE = "disagree", _l("I disagree")


class PracticePurpose(LabelledEnum):
    NEW_LECTURER = "new_lecturer", _l("A lecturer new to teaching")
    NEW_TOPIC = "new_topic", _l("A topic new to the lecturer")
    CONTEST = "contest", _l("Contest preparation")


class PracticeVerdict(LabelledEnum):
    READY = "ready", _l("Ready to teach")
    AGAIN = "again", _l("Rehearse again")


# The headings attendees comment under at a practice lecture (SPEC §3.7).
PRACTICE_HEADINGS = ("content", "method", "demeanour", "slides", "timing")
# A scoresheet's free texts.
SHEET_TEXTS = ("notes", "strengths", "shortcomings", "recommendations")


class Eligibility(LabelledEnum):
    """Who may be a contest candidate (SPEC §3.8)."""

    ALL = "all", _l("All lecturers")
    FULL_TIME = "full_time", _l("Full-time lecturers only")
