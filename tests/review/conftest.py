"""Fixtures of the review tests."""

from __future__ import annotations

import pytest


