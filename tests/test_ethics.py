"""The code of ethics: each built-in check, block and flag, confidentiality, reveal, the ledger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine import (
    Actor,
    CommandRefused,
    Engine,
    EthicsViolation,
    InvalidCaseData,
    InvalidEventData,
    Registry,
    RevealRefused,
    RoleNotPermitted,
    SimulatedClock,
    Store,
    load_definition,
)
from sop_engine._core.records import Declaration
from sop_engine._features.confidentiality import WITHHELD
from sop_engine._ops.replay import replay_case
from sop_engine._persistence.codec import case_to_json, event_to_json

from conftest import ATTEST, COMPLETE, LAPOR, LIAISON, OFFICER

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB
REGISTRY = Registry()

ADMIN = Actor("siti", "admin")
PETUGAS = Actor("budi", "petugas", "dinas_pupr")
PETUGAS2 = Actor("sari", "petugas", "dinas_pupr")
PENGHUBUNG = Actor("dewi", "penghubung")
PENGAWAS = Actor("agus", "pengawas")

MINI = """
sop: {{ id: etik-mini, version: "1", title: Etik mini, agency: Dinas Contoh }}
roles:
  admin: {{ label: Admin }}
  petugas: {{ label: Petugas }}
  penghubung: {{ label: Penghubung }}
  atasan: {{ label: Atasan }}
  pengawas: {{ label: Pengawas }}
  pelapor: {{ label: Pelapor }}
fields:
  pelapor: {{ type: text, personal: true }}
  telepon: {{ type: text, personal: true }}
  kerahasiaan: {{ type: enum, values: [biasa, rahasia, anonim, anonim_rahasia], required: true }}
  persetujuan: {{ type: bool }}
  judul: {{ type: text }}
  isi: {{ type: text }}
  terlapor: {{ type: text }}
  unit_terlapor: {{ type: text }}
  biaya: {{ type: number }}
  prioritas: {{ type: enum, values: [biasa, tinggi] }}
  alasan_prioritas: {{ type: text }}
  tanggapan: {{ type: text }}
  temuan: {{ type: text }}
  alasan_terlambat: {{ type: text }}
states:
  baru: {{ label: Baru, initial: true }}
  diproses: {{ label: Diproses }}
  draf: {{ label: Draf }}
  selesai: {{ label: Selesai, final: true }}
events:
  ubah:
    label: Ubah data
    roles: [admin, pelapor]
    data:
      kerahasiaan: {{ required: false }}
      persetujuan: {{ required: false }}
      isi: {{ required: false }}
  proses:
    label: Proses
    roles: petugas
    data:
      prioritas: {{ required: false }}
      alasan_prioritas: {{ required: false }}
      biaya: {{ required: false }}
  ajukan:
    label: Ajukan
    roles: petugas
    data:
      tanggapan: {{ required: false }}
      temuan: {{ required: false }}
      alasan_terlambat: {{ required: false }}
  setujui:
    label: Setujui
    roles: [penghubung, petugas]
    data:
      bebas_imbalan: {{ type: bool, required: false }}
transitions:
  - {{ event: ubah, from: baru, to: baru }}
  - {{ event: proses, from: baru, to: diproses }}
  - {{ event: ajukan, from: diproses, to: draf }}
  - {{ event: setujui, from: draf, to: selesai }}
deadlines:
  calendar: {{ id: ID, zone: Asia/Jakarta, office_hours: "08:00-16:00" }}
  clocks:
    proses:
      duration: {{ working_days: 2 }}
      start: {{ enter: baru }}
      stop: {{ enter: draf }}
ethics:
  notify: atasan
  confidentiality:
    field: kerahasiaan
    anonim: [anonim, anonim_rahasia]
    rahasia: [rahasia, anonim_rahasia]
    identity: [pelapor, telepon]
    content: [judul, isi]
    see_identity: admin
    see_content: [admin, petugas, penghubung]
    reveal: pengawas
    consent: persetujuan
  rules:
{rules}
"""

NO_RULES = "    []"


def mini(rules: str = NO_RULES, *, store: Store | None = None) -> Engine:
    """An engine on a small SOP whose ``ethics.rules`` are ``rules`` (YAML, indented 4)."""
    text = MINI.format(rules=rules)
    engine = Engine(store=store, clock=SimulatedClock(T0), registry=REGISTRY)
    engine.add(load_definition("etik-mini.yaml", text=text, registry=REGISTRY))
    return engine


def rule(check: str, params: str, *, when: str = "", severity: str = "block") -> str:
    lines = [
        "    - id: R1",
        "      title: Aturan uji",
        f"      check: {check}",
        f"      with: {params}",
        f"      severity: {severity}",
    ]
    if when:
        lines.append(f"      when: {when}")
    return "\n".join(lines)


def start(engine: Engine, case_id: str = "c1", **data: Any) -> None:
    base = {"pelapor": "Ani Lestari", "kerahasiaan": "biasa", "judul": "Jalan rusak"}
    engine.start("etik-mini", {**base, **data}, ADMIN, case_id=case_id)


def to_draft(engine: Engine, case_id: str = "c1", actor: Actor = PETUGAS) -> None:
    engine.fire(case_id, "proses", actor)
    engine.fire(case_id, "ajukan", actor, {"tanggapan": "Jalan diperbaiki tanggal 5."})


# -- table tests of each built-in check --------------------------------------------------------


def test_conflict_of_interest_reported_official_must_recuse() -> None:
    engine = mini(rule("conflict_of_interest", "{ official: terlapor }"))
    start(engine, terlapor="budi")
    with pytest.raises(EthicsViolation, match="R1") as info:
        engine.fire("c1", "proses", PETUGAS)
    assert info.value.breach.types == ("konflik_kepentingan", "berpihak")
    assert engine.fire("c1", "proses", PETUGAS2).state == "diproses"


def test_conflict_of_interest_reported_unit() -> None:
    engine = mini(rule("conflict_of_interest", "{ unit: unit_terlapor }"))
    start(engine, unit_terlapor="dinas_pupr")
    with pytest.raises(EthicsViolation, match="reported unit"):
        engine.fire("c1", "proses", PETUGAS)
    assert engine.fire("c1", "proses", Actor("x", "petugas", "inspektorat")).state == "diproses"


def test_conflict_of_interest_declared_relation_recuses_the_officer(store: Store) -> None:
    engine = mini(rule("conflict_of_interest", "{}"), store=store)
    start(engine)
    engine.declare("c1", PETUGAS, conflict=True, relation="saudara ipar pelapor")
    # the declaration is on the snapshot (checks read no trail) and in the trail
    assert engine.get("c1").declarations == (Declaration("budi", True, "saudara ipar pelapor"),)
    assert engine.history("c1")[-1].event == "@declare"
    with pytest.raises(EthicsViolation, match="declared a conflict"):
        engine.fire("c1", "proses", PETUGAS)
    assert engine.fire("c1", "proses", PETUGAS2).state == "diproses"  # only that officer
    sop = engine.sop("etik-mini")
    assert replay_case(engine.get("c1"), engine.history("c1"), sop, REGISTRY) is None


def test_declaring_a_conflict_needs_the_relation() -> None:
    engine = mini()
    start(engine)
    with pytest.raises(InvalidEventData, match="relation"):
        engine.declare("c1", PETUGAS, conflict=True)
    assert len(engine.history("c1")) == 1


def test_declaration_required_before_acting() -> None:
    engine = mini(rule("declaration_required", "{}", when="{ events: proses }"))
    start(engine)
    with pytest.raises(EthicsViolation, match="no-conflict declaration"):
        engine.fire("c1", "proses", PETUGAS)
    engine.declare("c1", PETUGAS2, conflict=False)
    with pytest.raises(EthicsViolation):  # another officer's declaration does not count
        engine.fire("c1", "proses", PETUGAS)
    engine.declare("c1", PETUGAS, conflict=False, note="tidak ada hubungan")
    assert engine.fire("c1", "proses", PETUGAS).state == "diproses"


def test_a_later_conflict_declaration_withdraws_the_clean_one() -> None:
    engine = mini(rule("declaration_required", "{}", when="{ events: proses }"))
    start(engine)
    engine.declare("c1", PETUGAS, conflict=False)
    engine.declare("c1", PETUGAS, conflict=True, relation="tetangga terlapor")
    with pytest.raises(EthicsViolation):
        engine.fire("c1", "proses", PETUGAS)


def test_separation_of_duties_the_drafter_does_not_approve() -> None:
    engine = mini(
        rule("separation_of_duties", "{ performed: [ajukan] }", when="{ events: setujui }")
    )
    start(engine)
    to_draft(engine)
    with pytest.raises(EthicsViolation, match="who did ajukan"):
        engine.fire("c1", "setujui", PETUGAS)  # same person, acting in another role
    assert engine.fire("c1", "setujui", PENGHUBUNG).state == "selesai"


@pytest.mark.parametrize(
    ("biaya", "blocked"), [(150000, True), (0.5, True), (0, False), (None, False)]
)
def test_no_fee(biaya: float | None, blocked: bool) -> None:
    engine = mini(rule("no_fee", "{ fields: [biaya] }"))
    start(engine)
    payload = {} if biaya is None else {"biaya": biaya}
    if blocked:
        with pytest.raises(EthicsViolation, match="free of charge") as info:
            engine.fire("c1", "proses", PETUGAS, payload)
        assert info.value.breach.types == ("permintaan_imbalan",)
    else:
        assert engine.fire("c1", "proses", PETUGAS, payload).state == "diproses"


@pytest.mark.parametrize(("attest", "blocked"), [(None, True), (False, True), (True, False)])
def test_gratuity_attestation(attest: bool | None, blocked: bool) -> None:
    engine = mini(
        rule("gratuity_attestation", "{ field: bebas_imbalan }", when="{ events: setujui }")
    )
    start(engine)
    to_draft(engine)
    payload = {} if attest is None else {"bebas_imbalan": attest}
    if blocked:
        with pytest.raises(EthicsViolation, match="attest"):
            engine.fire("c1", "setujui", PENGHUBUNG, payload)
    else:
        assert engine.fire("c1", "setujui", PENGHUBUNG, payload).state == "selesai"


@pytest.mark.parametrize(
    ("payload", "blocked"),
    [
        ({"prioritas": "tinggi"}, True),
        ({"prioritas": "tinggi", "alasan_prioritas": "kenalan"}, True),
        ({"prioritas": "tinggi", "alasan_prioritas": "korban luka, risiko kecelakaan lagi"}, False),
        ({}, False),
    ],
)
def test_justified_override(payload: dict[str, Any], blocked: bool) -> None:
    engine = mini(
        rule("justified_override", "{ field: prioritas, justification: alasan_prioritas }")
    )
    start(engine)
    if blocked:
        with pytest.raises(EthicsViolation, match="justification"):
            engine.fire("c1", "proses", PETUGAS, payload)
    else:
        engine.fire("c1", "proses", PETUGAS, payload)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"tanggapan": "Sudah."}, "only 6 characters"),
        ({"tanggapan": "   Terima   kasih,    diterima.   "}, "only 23 characters"),
        ({"tanggapan": "Jalan ditambal pada 5 Maret oleh regu 2 Dinas PUPR."}, "temuan"),
        (
            {
                "tanggapan": "Jalan ditambal pada 5 Maret oleh regu 2 Dinas PUPR.",
                "temuan": "Lubang 20 cm akibat drainase tersumbat",
            },
            None,
        ),
    ],
)
def test_response_complete_flags_short_or_partial_answers(
    payload: dict[str, Any], problem: str | None
) -> None:
    engine = mini(
        rule(
            "response_complete",
            "{ field: tanggapan, min_length: 30, elements: [temuan] }",
            when="{ events: ajukan }",
            severity="flag",
        )
    )
    start(engine)
    engine.fire("c1", "proses", PETUGAS)
    case = engine.fire("c1", "ajukan", PETUGAS, payload)
    assert case.state == "draf"  # a flag never stops the command
    last = engine.history("c1")[-1]
    if problem is None:
        assert last.breaches == ()
    else:
        (breach,) = last.breaches
        assert problem in (breach.reason.en or "")
        assert breach.severity == "flag"


def test_late_justification_only_after_the_deadline() -> None:
    rules = rule(
        "late_justification",
        "{ field: alasan_terlambat, deadlines: [proses] }",
        when="{ events: ajukan }",
        severity="flag",
    )
    on_time, late, excused = mini(rules), mini(rules), mini(rules)
    for engine, days in ((on_time, 1), (late, 5), (excused, 5)):
        start(engine)
        engine.fire("c1", "proses", PETUGAS)
        assert isinstance(engine.clock, SimulatedClock)
        engine.clock.advance(timedelta(days=days))
    on_time.fire("c1", "ajukan", PETUGAS, {"tanggapan": "x"})
    late.fire("c1", "ajukan", PETUGAS, {"tanggapan": "x"})
    excused.fire("c1", "ajukan", PETUGAS, {"tanggapan": "x", "alasan_terlambat": "menunggu alat"})
    assert on_time.history("c1")[-1].breaches == ()
    assert excused.history("c1")[-1].breaches == ()
    (breach,) = late.history("c1")[-1].breaches
    assert breach.types == ("penundaan_berlarut",)
    assert "proses" in breach.reason.id


# -- block and flag ----------------------------------------------------------------------------


def test_a_block_records_the_attempt_tells_the_supervisor_and_allows_a_retry(
    store: Store,
) -> None:
    engine = mini(rule("no_fee", "{ fields: [biaya] }"), store=store)
    start(engine)
    before = engine.get("c1")
    with pytest.raises(EthicsViolation) as info:
        engine.fire("c1", "proses", PETUGAS, {"biaya": 50000}, command_id="k1")
    after = engine.get("c1")
    assert (after.state, after.data, after.deadlines) == (
        before.state,
        before.data,
        before.deadlines,
    )
    assert after.version == before.version + 1 == info.value.seq
    attempt = engine.history("c1")[-1]
    assert attempt.event == "@ethics"
    assert attempt.payload == {"event": "proses", "fields": ["biaya"]}
    assert attempt.breaches == (info.value.breach,)
    (note,) = [n for n in store.outbox() if n.kind == "ethics"]
    assert note.recipients == ("atasan",)
    assert note.payload["rule"] == "R1"
    assert note.payload["officer"]["id"] == "budi"
    # the refused command id was not used up: the corrected command goes through under it
    assert engine.fire("c1", "proses", PETUGAS, {}, command_id="k1").state == "diproses"


def test_a_flag_lets_the_command_through_with_the_breach_on_its_event(store: Store) -> None:
    engine = mini(
        rule(
            "response_complete", "{ field: tanggapan }", when="{ events: ajukan }", severity="flag"
        ),
        store=store,
    )
    start(engine)
    engine.fire("c1", "proses", PETUGAS)
    engine.fire("c1", "ajukan", PETUGAS, {"tanggapan": "Sudah."})
    event = engine.history("c1")[-1]
    assert event.event == "ajukan"
    assert [b.rule for b in event.breaches] == ["R1"]
    (note,) = [n for n in store.outbox() if n.kind == "ethics"]
    assert note.key == f"c1/{event.seq}/ethics/R1"
    # breaches survive the durable store's round trip and its replay check
    sop = engine.sop("etik-mini")
    assert replay_case(engine.get("c1"), engine.history("c1"), sop, REGISTRY) is None


def test_rules_apply_only_to_their_states_and_roles() -> None:
    engine = mini(
        rule(
            "no_fee",
            "{ fields: [biaya] }",
            when="{ events: [ubah, proses], states: baru, roles: admin }",
        )
    )
    start(engine, biaya=10)
    assert engine.fire("c1", "proses", PETUGAS).state == "diproses"  # petugas: not covered
    start(engine, "c2", biaya=10)
    with pytest.raises(EthicsViolation):
        engine.fire("c2", "ubah", ADMIN, {"isi": "tambahan"})


def test_rules_apply_only_from_their_states() -> None:
    """The rules a command meets are worked out once per (event, state, role): the state of
    each command is still the one that counts."""
    engine = mini(rule("no_fee", "{ fields: [biaya] }", when="{ states: diproses }"))
    start(engine, biaya=10)
    assert engine.fire("c1", "proses", PETUGAS).state == "diproses"  # from baru: not covered
    with pytest.raises(EthicsViolation):  # from diproses, the same actor: covered
        engine.fire("c1", "ajukan", PETUGAS, {"tanggapan": "Jalan diperbaiki tanggal 5."})
    start(engine, "c2", biaya=10)
    assert engine.fire("c2", "proses", PETUGAS).state == "diproses"  # remembered, still baru


@pytest.mark.parametrize(
    ("payload", "blocked"),
    [({}, False), ({"prioritas": "biasa"}, False), ({"biaya": 0}, False), ({"biaya": 5}, True)],
)
def test_no_fee_carried_only_counts_what_the_command_carries(
    payload: dict[str, Any], blocked: bool
) -> None:
    engine = mini(rule("no_fee", "{ fields: [biaya], carried_only: true }"))
    start(engine, biaya=10)  # a fee the reporter complains about: evidence, not a charge
    if blocked:
        with pytest.raises(EthicsViolation, match="biaya"):
            engine.fire("c1", "proses", PETUGAS, payload)
    else:
        assert engine.fire("c1", "proses", PETUGAS, payload).state == "diproses"


# -- confidentiality ---------------------------------------------------------------------------


def test_lowering_confidentiality_needs_the_reporters_consent() -> None:
    engine = mini()
    start(engine, kerahasiaan="anonim")
    with pytest.raises(EthicsViolation, match="consent") as info:
        engine.fire("c1", "ubah", ADMIN, {"kerahasiaan": "biasa"})
    assert info.value.rule == "KERAHASIAAN"
    with pytest.raises(EthicsViolation):  # dropping one of two flags is lowering too
        engine.fire("c1", "ubah", ADMIN, {"kerahasiaan": "rahasia"})
    # raising is always allowed
    assert engine.fire("c1", "ubah", ADMIN, {"kerahasiaan": "anonim_rahasia"}).version > 1
    # consent recorded by the reporter, then lowering goes through
    engine.fire("c1", "ubah", Actor("Ani Lestari", "pelapor"), {"persetujuan": True})
    assert engine.fire("c1", "ubah", ADMIN, {"kerahasiaan": "biasa"}).data["kerahasiaan"] == "biasa"


def test_views_withhold_identity_and_content_by_role() -> None:
    engine = mini()
    start(engine, kerahasiaan="anonim_rahasia", telepon="0812-3456-7890", isi="Pungli di loket")
    engine.fire("c1", "ubah", Actor("Ani Lestari", "pelapor"), {"isi": "Ani Lestari melihatnya"})
    public = engine.view("c1")
    assert public.withheld == {"pelapor", "telepon", "judul", "isi"}
    assert public.case.data["pelapor"] == WITHHELD
    assert public.case.data["isi"] == WITHHELD
    officer = engine.view("c1", PETUGAS)
    assert officer.case.data["pelapor"] == WITHHELD  # anonim: hidden from the unit
    # rahasia: the unit may read the content, but not the name of an anonymous reporter in it
    assert officer.case.data["isi"] == f"{WITHHELD} melihatnya"
    # the reporter's own actor id and the name inside other text are withheld as well
    assert officer.history[1].actor.id == WITHHELD
    admin = engine.view("c1", ADMIN)
    assert admin.withheld == frozenset()
    assert admin.case.data["pelapor"] == "Ani Lestari"


def test_reveal_needs_a_permitted_role_and_a_reason_and_is_audited() -> None:
    engine = mini()
    start(engine, kerahasiaan="anonim", telepon="0812")
    with pytest.raises(RoleNotPermitted):
        engine.request_reveal("c1", PETUGAS, "ingin tahu")
    with pytest.raises(InvalidEventData, match="reason"):
        engine.request_reveal("c1", PENGAWAS, "   ")
    assert len(engine.history("c1")) == 1  # refusals write nothing
    request = engine.request_reveal("c1", PENGAWAS, "pemeriksaan APIP no. 12/2026", ["pelapor"])
    engine.approve_reveal("c1", request, ADMIN, "disetujui")
    shown = engine.reveal("c1", PENGAWAS, request)
    assert shown == {"pelapor": "Ani Lestari"}
    event = engine.history("c1")[-1]
    assert event.event == "@reveal"
    assert event.payload == {
        "request": request,
        "fields": ["pelapor"],
        "reason": "pemeriksaan APIP no. 12/2026",
        "approved_by": ADMIN.id,
        "approved_role": ADMIN.role,
    }
    assert event.actor == PENGAWAS
    assert "Ani Lestari" not in json.dumps(event.payload)


def test_derived_cases_inherit_the_flags() -> None:
    engine = mini()
    start(engine, kerahasiaan="anonim")
    engine.start(
        "etik-mini",
        {"pelapor": "Ani Lestari", "kerahasiaan": "rahasia"},
        ADMIN,
        case_id="sub",
        derived_from="c1",
    )
    assert engine.get("sub").data["kerahasiaan"] == "anonim_rahasia"
    engine.start("etik-mini", {"kerahasiaan": "biasa"}, ADMIN, case_id="sub2", derived_from="c1")
    assert engine.get("sub2").data["kerahasiaan"] == "anonim"


def test_a_derived_case_under_an_sop_without_confidentiality_is_refused() -> None:
    engine = mini()
    start(engine, kerahasiaan="rahasia")
    plain = engine.load(LAPOR)
    text = plain.definition.source
    cut = text.index("\nethics:")
    end = text.index("\n# -- batas waktu")
    engine.add(load_definition("lapor-tanpa-etik", text=text[:cut] + text[end:], registry=REGISTRY))
    admin = Actor("siti", "admin_instansi")
    with pytest.raises(InvalidCaseData, match="rahasia"):
        engine.start("lapor-upp", COMPLETE, admin, case_id="x", derived_from="c1")


_NAME = st.from_regex(r"[A-Z][a-z]{2,8} [A-Z][a-z']{2,10}", fullmatch=True)
"""Reporters' names as they look (two capitalised words): they cannot collide with JSON keys."""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_NAME,
    phone=st.from_regex(r"08[0-9]{8,11}", fullmatch=True),
    flags=st.sampled_from(["anonim", "anonim_rahasia"]),
    ops=st.lists(
        st.sampled_from(["view-public", "view-petugas", "view-penghubung", "export", "ubah"]),
        max_size=8,
    ),
)
def test_no_identity_value_ever_leaves_an_anonymous_case(
    name: str, phone: str, flags: str, ops: list[str]
) -> None:
    engine = mini(rule("no_fee", "{ fields: [biaya] }", severity="flag"))
    engine.start(
        "etik-mini",
        {"pelapor": name, "telepon": phone, "kerahasiaan": flags, "biaya": 1},
        Actor(name, "pelapor"),
        case_id="c1",
    )
    outward: list[Any] = []
    for op in ops:
        if op == "ubah":
            engine.fire("c1", "ubah", Actor(name, "pelapor"), {"isi": f"Saya {name}, {phone}"})
        elif op == "export":
            outward.append(engine.export("c1", "internal"))
        else:
            role = op.removeprefix("view-")
            viewer = None if role == "public" else Actor("v", role)
            v = engine.view("c1", viewer)
            outward.append([case_to_json(v.case), [event_to_json(e) for e in v.history]])
    outward.append([[n.recipients, dict(n.payload)] for n in engine.store.outbox()])
    blob = json.dumps(outward, default=str)
    assert name not in blob
    assert phone not in blob


@settings(max_examples=40, deadline=None)
@given(
    attempts=st.lists(
        st.tuples(
            st.sampled_from(["pengawas", "admin", "petugas"]),
            st.sampled_from(["", "  ", "pemeriksaan", "perintah pengadilan no. 3"]),
        ),
        max_size=6,
    )
)
def test_every_revealed_identity_has_an_audit_event_with_its_reason(
    attempts: list[tuple[str, str]],
) -> None:
    engine = mini()
    start(engine, kerahasiaan="anonim")
    revealed = []
    for role, reason in attempts:
        try:
            request = engine.request_reveal("c1", Actor("x", role), reason)
            engine.approve_reveal("c1", request, ADMIN)
            engine.reveal("c1", Actor("x", role), request)
        except (RoleNotPermitted, InvalidEventData, RevealRefused):
            continue
        revealed.append(reason.strip())
    events = [e for e in engine.history("c1") if e.event == "@reveal"]
    assert [e.payload["reason"] for e in events] == revealed
    assert all(e.payload["reason"] and e.actor.role == "pengawas" for e in events)
    assert all(e.payload["approved_by"] == ADMIN.id for e in events)


# -- the ledger --------------------------------------------------------------------------------


def test_violations_query_by_case_rule_officer_unit_and_period() -> None:
    engine = mini(
        "\n".join(
            [
                rule("no_fee", "{ fields: [biaya] }"),
                rule(
                    "response_complete",
                    "{ field: tanggapan }",
                    when="{ events: ajukan }",
                    severity="flag",
                ).replace("id: R1", "id: R2"),
            ]
        )
    )
    start(engine)
    start(engine, "c2")
    with pytest.raises(EthicsViolation):
        engine.fire("c1", "proses", PETUGAS, {"biaya": 1})
    assert isinstance(engine.clock, SimulatedClock)
    engine.clock.advance(timedelta(days=1))
    engine.fire("c2", "proses", Actor("yudi", "petugas", "bapenda"))
    engine.fire("c2", "ajukan", Actor("yudi", "petugas", "bapenda"), {"tanggapan": "ok"})
    everything = engine.violations()
    assert [(v.case_id, v.breach.rule, v.blocked) for v in everything] == [
        ("c1", "R1", True),
        ("c2", "R2", False),
    ]
    assert everything[0].event == "proses"
    assert [v.case_id for v in engine.violations(rule="R2")] == ["c2"]
    assert [v.case_id for v in engine.violations(officer="budi")] == ["c1"]
    assert [v.case_id for v in engine.violations(unit="bapenda")] == ["c2"]
    assert [v.case_id for v in engine.violations(case_id="c2")] == ["c2"]
    assert [v.case_id for v in engine.violations(until=T0 + timedelta(hours=12))] == ["c1"]
    assert [v.case_id for v in engine.violations(since=T0 + timedelta(hours=12))] == ["c2"]


# -- the reference SOP ----------------------------------------------------------------------------


def test_lapor_reference_sop_blocks_the_reported_official(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, Actor("siti", "admin_instansi"), case_id="c1")
    engine.fire(
        "c1",
        "verifikasi",
        Actor("siti", "admin_instansi"),
        {"klasifikasi": "pengaduan", "terlapor": OFFICER.id},
    )
    engine.fire("c1", "disposisi", Actor("siti", "admin_instansi"), {"unit_tujuan": "dinas_pupr"})
    with pytest.raises(EthicsViolation) as info:
        engine.fire("c1", "tindak_lanjuti", OFFICER)
    assert info.value.rule == "KE-01"
    assert engine.get("c1").state == "terdisposisi"
    assert [v.breach.rule for v in engine.violations(case_id="c1")] == ["KE-01"]


def test_lapor_reference_sop_requires_the_gratuity_attestation(engine: Engine) -> None:
    admin = Actor("siti", "admin_instansi")
    engine.start("lapor-upp", COMPLETE, admin, case_id="c1")
    engine.fire("c1", "verifikasi", admin, {"klasifikasi": "pengaduan"})
    engine.fire("c1", "disposisi", admin, {"unit_tujuan": "dinas_pupr"})
    engine.fire("c1", "tindak_lanjuti", OFFICER)
    engine.fire(
        "c1", "ajukan_tanggapan", OFFICER, {"tanggapan": "Jalan ditambal Kamis 5 Maret 2026."}
    )
    with pytest.raises(EthicsViolation, match="KE-04"):
        engine.fire("c1", "setujui_tanggapan", LIAISON, {"tanpa_imbalan": False})
    assert engine.fire("c1", "setujui_tanggapan", LIAISON, ATTEST).state == "ditanggapi"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["proses", "ajukan", "setujui", "ubah"]),
            st.sampled_from([PETUGAS, PETUGAS2, PENGHUBUNG, ADMIN]),
            st.one_of(st.none(), st.integers(-5, 5)),
        ),
        max_size=12,
    )
)
def test_a_block_never_changes_state_data_or_deadlines(
    steps: list[tuple[str, Actor, int | None]],
) -> None:
    engine = mini(
        "\n".join(
            [
                rule("no_fee", "{ fields: [biaya] }"),
                rule(
                    "separation_of_duties", "{ performed: [ajukan] }", when="{ events: setujui }"
                ).replace("id: R1", "id: R2"),
            ]
        )
    )
    start(engine)
    blocked = 0
    for event, actor, fee in steps:
        before = engine.get("c1")
        payload: dict[str, Any] = {} if fee is None or event != "proses" else {"biaya": fee}
        if event == "ajukan":
            payload = {"tanggapan": "Tanggapan lengkap untuk pelapor."}
        try:
            engine.fire("c1", event, actor, payload)
        except EthicsViolation:
            blocked += 1
            after = engine.get("c1")
            assert (after.state, after.data, after.deadlines) == (
                before.state,
                before.data,
                before.deadlines,
            )
            assert after.version == before.version + 1
        except (RoleNotPermitted, InvalidEventData, CommandRefused):
            assert engine.get("c1") == before
    assert len([e for e in engine.history("c1") if e.event == "@ethics"]) == blocked


TIMED = """
sop: { id: etik-waktu, version: "1", title: Etik waktu, agency: Dinas Contoh }
roles:
  petugas: { label: Petugas }
  sistem: { label: Sistem }
  atasan: { label: Atasan }
fields:
  biaya: { type: number }
states:
  menunggu: { label: Menunggu, initial: true }
  selesai: { label: Selesai, final: true }
events:
  tutup: { label: Tutup, roles: [petugas, sistem] }
transitions:
  - { event: tutup, from: menunggu, to: selesai }
deadlines:
  calendar: { id: ID, zone: Asia/Jakarta }
  clocks:
    tunggu:
      duration: { days: 2 }
      start: { enter: menunggu }
      stop: { leave: menunggu }
      on_expiry: { event: tutup }
ethics:
  notify: atasan
  rules:
    - { id: R1, title: Tanpa biaya, check: no_fee, with: { fields: [biaya] }, severity: block }
"""


def test_a_timed_event_the_code_of_ethics_blocks_is_recorded_once(store: Store) -> None:
    engine = Engine(store=store, clock=SimulatedClock(T0), registry=REGISTRY)
    engine.add(load_definition("etik-waktu.yaml", text=TIMED, registry=REGISTRY))
    engine.start("etik-waktu", {"biaya": 5000}, Actor("p", "petugas"), case_id="c1")
    later = T0 + timedelta(days=3)
    first = engine.sweep(later)
    assert [type(e).__name__ for _, e in first.refused] == ["EthicsViolation"]
    second = engine.sweep(later + timedelta(days=1))
    assert second.refused == []
    trail = engine.history("c1")
    assert [e.event for e in trail].count("@ethics") == 1
    assert engine.get("c1").state == "menunggu"
    assert store.due_timers(later + timedelta(days=30)) == []
