"""Pages of the lecturers blueprint, one module per area."""
from flask import Blueprint

bp = Blueprint("lecturers", __name__)

from lecturers.views import catalogue, classes, lesson_plans, profiles, roster  # noqa: E402,F401  (routes)
