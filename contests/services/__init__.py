"""Contest services: every function takes the actor and ``now`` as keyword arguments, adds
and flushes, never commits, audits what it changes, and refuses with a DomainError."""
from contests.services.candidates import contest_takes_nominations_from, decide_candidates
from contests.services.judging import declare_conflict, save_marks, set_contest_phase
from contests.services.outside import record_outside_result
from contests.services.setup import (DEFAULT_TIE_BREAK, add_component, add_entry, add_judge, attach_document,
                                     create_contest, judge_candidates, update_contest)

__all__ = ["DEFAULT_TIE_BREAK", "add_component", "add_entry", "add_judge", "attach_document",
           "contest_takes_nominations_from", "create_contest", "decide_candidates", "declare_conflict",
           "judge_candidates", "record_outside_result", "save_marks", "set_contest_phase", "update_contest"]
