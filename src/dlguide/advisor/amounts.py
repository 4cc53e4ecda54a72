"""A number as people write one with a magnitude or a share: '800', '1,000', '1.5k', '2M', '3bn', '10%'.

The one reading of such numbers, for flags and answers files (``questionnaire``) and for sentences
(``describe_numbers``, which also reads "2 million"): ``--samples 2k`` and "2k photos" mean the same. A
module of its own, with nothing but ``re``, so that reading a flag never loads the sentence reader.
"""

from __future__ import annotations

import re

# What a magnitude word or suffix multiplies by: "2k", "3 million", "1.5bn".
MAGNITUDES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "k": 1e3, "m": 1e6, "mm": 1e6,
              "b": 1e9, "bn": 1e9, "mil": 1e6, "mln": 1e6}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(%|k|mm|m|bn|b)?")


def amount(text: str) -> float | None:
    """The value of '800', '1,000', '1.5k', '2M', '3bn' or '10%' (0.1); None when ``text`` is no such number."""
    match = _AMOUNT.fullmatch(text.strip().lower().replace("_", "").replace(",", ""))
    if not match:
        return None
    number, suffix = float(match.group(1)), match.group(2)
    if suffix == "%":
        return number / 100
    return number * MAGNITUDES[suffix] if suffix else number
