"""The property behind issue 17: an identity, written into free text in any form, never leaves.

Hypothesis makes up a reporter (a two-part name, a NIK, a phone number, an e-mail address, the
id he acts under) and an account that embeds them in every form people write: as given, lower
and upper case, with two spaces, with an honorific, the first or the last name alone, the NIK
in groups, the phone as ``+62`` and ``08``. The reporter opens an ``anonim`` case himself; an
officer quotes him in the response. None of the forms may appear in the public export, in the
handling officer's view, in a listener failure kept or logged, or (after erasure) in anything
the engine still gives back, even to the roles that saw the identity before.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from sop_engine import Actor, Engine, MemoryStore, SimulatedClock

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

_SYLLABLES = ("ka", "ri", "nu", "wi", "to", "sa", "yu", "lo", "me", "gi", "ha", "zo", "fe")
_PART = st.lists(st.sampled_from(_SYLLABLES), min_size=3, max_size=4).map(
    lambda s: "".join(s).capitalize()
)


@st.composite
def identities(draw: st.DrawFn) -> dict[str, str]:
    first, last = draw(_PART), draw(_PART)
    assume(first != last)
    nik = draw(st.from_regex(r"\A[1-9][0-9]{15}\Z", fullmatch=True))
    phone = "8" + draw(st.from_regex(r"\A[1-9][0-9]{9}\Z", fullmatch=True))
    return {
        "first": first,
        "last": last,
        "name": f"{first} {last}",
        "nik": nik,
        "phone": phone,  # without the 0 / +62
        "email": f"{first.lower()}.{last.lower()}@contoh.id",
        "pid": "p-" + draw(st.from_regex(r"\A[0-9]{4,8}\Z", fullmatch=True)),
    }


def _forms(who: dict[str, str]) -> list[str]:
    name, first, last, nik, phone = who["name"], who["first"], who["last"], who["nik"], who["phone"]
    return [
        name,
        name.lower(),
        name.upper(),
        name.replace(" ", "  "),
        f"Bu {first}",
        f"Pak {last}",
        f"Bapak {name}",
        f"Ibu {first.lower()}",
        first,
        last,
        nik,
        " ".join(nik[i : i + 4] for i in range(0, 16, 4)),
        f"0{phone}",
        f"+62 {phone[:3]}-{phone[3:7]}-{phone[7:]}",
        who["email"],
    ]


def _leaks(text: str, who: dict[str, str]) -> list[str]:
    """Every part of the identity still readable in ``text``."""
    found = [p for p in (who["first"], who["last"]) if re.search(rf"\b{p}\b", text, re.IGNORECASE)]
    digits = re.sub(r"\D", "", text)
    found += [d for d in (who["nik"], who["phone"]) if d in digits]
    found += [s for s in (who["email"], who["pid"]) if s.casefold() in text.casefold()]
    return found


def _engine() -> Engine:
    engine = Engine(store=MemoryStore(), clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    engine.load(LAPOR)
    return engine


_BASE = LAPOR.read_text(encoding="utf-8")


@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is readable unshrunk
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(who=identities(), order=st.randoms(use_true_random=False))
def test_an_identity_in_any_form_never_leaves(
    who: dict[str, str], order: object, caplog: pytest.LogCaptureFixture
) -> None:
    # names that are words of the SOP itself cannot be told apart from them
    assume(not re.search(rf"\b({who['first']}|{who['last']})\b", _BASE, re.IGNORECASE))
    forms = _forms(who)
    order.shuffle(forms)  # type: ignore[attr-defined]
    account = "Laporan: " + "; ".join(f"disebut {f}" for f in forms) + "."
    engine = _engine()

    def listener(case: object, event: object) -> None:
        raise RuntimeError(f"gagal mengirim ke {account}")

    engine.listen("bocor", listener)
    reporter = Actor(who["pid"], "pelapor")
    data = {
        **COMPLETE,
        "pelapor": who["name"],
        "kerahasiaan": "anonim",
        "judul": f"Pungli, pelapor {forms[0]}",
        "kronologi": account,
    }
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        engine.start("lapor-upp", data, reporter, case_id="c1")
        engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
        engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
        engine.fire("c1", "tindak_lanjuti", OFFICER)
        engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": f"Kepada {forms[1]}: ..."})
    outward = {
        "export": json.dumps(engine.export("c1", "internal"), ensure_ascii=False),
        "officer view": repr(engine.view("c1", OFFICER)),
        "listener failures": repr(list(engine.listener_failures)),
        "log": caplog.text,
    }
    for where, text in outward.items():
        assert _leaks(text, who) == [], where
    assert who["name"] in repr(engine.view("c1", ADMIN).case.data)  # the named role sees him
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    after = repr((engine.get("c1"), engine.history("c1"), engine.view("c1", ADMIN)))
    assert _leaks(after, who) == []
