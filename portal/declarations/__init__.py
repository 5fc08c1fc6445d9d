"""Declarations: side activities, financial interests, nothing-to-declare statements, reconfirmation."""

from flask import Blueprint

bp = Blueprint("declarations", __name__, url_prefix="/declarations")
