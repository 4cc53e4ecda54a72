"""The one base of every knowledge model, apart from the rule language so that reading a family needs only this.

``dlguide.catalogue.schema`` (families, techniques) and ``dlguide.rules.rules_schema`` (questions, rules) both
derive from ``Strict``; ``list``, ``show`` and ``compare`` import the first alone. Start-up time is a feature.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Base of every knowledge model (``rules_schema``'s and ``dlguide.catalogue.schema``'s): unknown keys are
    errors and the models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
