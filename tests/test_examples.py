"""The files in examples/ that the README points at still work as documented."""

from __future__ import annotations

import pytest

from conftest import REPO

PROFILES = {"chest-xrays.yaml": "cnn", "energy-forecast.yaml": "rnn", "fast-faces.yaml": "gan"}


@pytest.mark.parametrize("name, top", PROFILES.items())
def test_saved_profiles_reproduce_their_recommendation(cli, name, top):
    result = cli("recommend", "--answers", REPO / "examples" / "profiles" / name, "--json")
    assert result.code == 0, result.stderr
    assert result.json()["recommendations"][0]["id"] == top


def test_every_example_profile_is_tested():
    assert sorted(p.name for p in (REPO / "examples" / "profiles").glob("*.yaml")) == sorted(PROFILES)
