"""The compiled table and a transitions.Machine built from the same SOP agree on every command.

transitions is the reference semantics (first alternative whose conditions pass wins; an event
unknown in the current state is an error). The engine runs its own dispatch table for speed, so
this test drives both with the same random commands and compares accepted/refused and the state,
through the testing kit's :func:`~sop_engine.testing.compare_with_transitions` (which plugin
authors use for their own guards).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine.testing import compare_with_transitions

from strategies import case_data, commands, random_sops
from test_properties import REGISTRY, SOP_FILES, _engine


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_reference_sops_match_transitions(data: st.DataObject) -> None:
    _, sop = _engine(data.draw(st.sampled_from(SOP_FILES)))
    compare_with_transitions(
        sop, REGISTRY, data.draw(case_data(sop)), data.draw(st.lists(commands(sop), max_size=30))
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_sops_match_transitions(data: st.DataObject) -> None:
    sop = data.draw(random_sops(REGISTRY))
    compare_with_transitions(
        sop, REGISTRY, data.draw(case_data(sop)), data.draw(st.lists(commands(sop), max_size=25))
    )
