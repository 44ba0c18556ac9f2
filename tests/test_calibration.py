"""The calibration of confidence (``qa.calibration``): evidence -> probability that the corpus answers, per
query language."""

from __future__ import annotations

import pytest

from qa.calibration import CALIBRATION, FOREIGN_MIDPOINT, MIDPOINT, calibrated


def test_each_language_calibration_is_half_at_its_midpoint() -> None:
    assert calibrated(MIDPOINT, "vi") == pytest.approx(0.5, abs=1e-3)
    assert calibrated(MIDPOINT, "vi-nodiac") == pytest.approx(0.5, abs=1e-3)
    assert calibrated(FOREIGN_MIDPOINT, "other") == pytest.approx(0.5, abs=1e-3)
    assert set(CALIBRATION) == {"vi", "vi-nodiac", "other"}


def test_calibration_is_monotone_and_bounded() -> None:
    for language in CALIBRATION:
        values = [calibrated(e / 20, language) for e in range(21)]
        assert values == sorted(values)
        assert all(0.0 <= v <= 1.0 for v in values)
        assert calibrated(0.0, language) < 0.5 < calibrated(1.0, language)


def test_the_same_small_evidence_counts_more_for_a_foreign_question() -> None:
    """An English question over Vietnamese text can match only its names and numbers."""
    e = (FOREIGN_MIDPOINT + MIDPOINT) / 2
    assert calibrated(e, "other") > 0.5 > calibrated(e, "vi")


def test_unknown_language_falls_back_to_the_vietnamese_calibration() -> None:
    assert calibrated(0.2, "xx") == calibrated(0.2, "vi")
