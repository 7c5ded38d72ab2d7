"""sop-engine-lapor, installed: intake, classification, status map, export and lint rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import (
    Actor,
    Engine,
    IntakeRejected,
    PluginError,
    Registry,
    SimulatedClock,
    lint_file,
    lint_text,
    load_definition,
)
from sop_engine.cli import main
from sop_engine_lapor import LAPOR_UPP, STATUSES, StatusMap, classify

ROOT = Path(__file__).resolve().parents[3]
LAPOR = ROOT / "examples" / "lapor" / "sop.yaml"
KEYWORDS = {"TANGKAB": "Pemerintah Kabupaten Tangerang", "BANJARBARU": "Pemerintah Kota Banjarbaru"}
ADMIN = Actor("siti", "admin_instansi")
OFFICER = Actor("budi", "petugas_unit", "dinas_pupr")
LIAISON = Actor("dewi", "pejabat_penghubung")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()  # entry points: the installed sop-engine-lapor


@pytest.fixture
def engine(registry: Registry) -> Engine:
    e = Engine(registry=registry, clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    e.load(LAPOR)
    return e


def test_the_installed_package_registers_under_its_namespace(registry: Registry) -> None:
    assert registry.packages["lapor"] == "sop-engine-lapor"
    assert {n for (k, n), o in registry.owners.items() if o == "lapor"} == {
        "lapor.sms_1708",
        "lapor.web",
        "lapor.tindak_lanjut",
        "lapor.kompatibel",
    }
    out = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["plugins"]).output
    assert "lapor (sop-engine-lapor)\n  intake channels: lapor.sms_1708, lapor.web\n" in out


# -- SMS 1708 ---------------------------------------------------------------------------------------


def test_an_sms_is_routed_by_its_keyword_and_opens_one_case(
    engine: Engine, registry: Registry
) -> None:
    sms = registry.intake("lapor.sms_1708", {"sop": "lapor-upp", "keywords": KEYWORDS})
    text = "tangkab  Jalan di depan Pasar Cikupa berlubang besar, dua motor jatuh kemarin sore"
    meta = {"sender": "+6281234567890", "message_id": "gw-0001"}
    case = engine.intake(sms, text, meta)
    assert case.state == "diterima"
    assert case.data["instansi_tujuan"] == "Pemerintah Kabupaten Tangerang"
    assert case.data["kanal"] == "sms"
    assert case.data["pelapor"] == "+6281234567890"
    assert case.data["klasifikasi"] == "pengaduan"
    assert case.data["kronologi"].startswith("Jalan di depan Pasar Cikupa berlubang besar,")
    assert case.data["judul"].endswith("…")
    assert len(case.data["judul"]) <= 61
    assert engine.history(case.id)[0].actor == Actor("gateway-1708", "sistem")
    # the gateway delivers the same message again: no second case
    assert engine.intake(sms, text.encode(), meta).id == case.id
    assert len(list(engine.store.case_ids())) == 1


@pytest.mark.parametrize(
    ("text", "meta", "reason"),
    [
        ("   ", None, "pesan kosong; kirim dengan format: KATA_KUNCI isi laporan"),
        (
            "JAKARTA lampu jalan mati sejak seminggu",
            None,
            "kata kunci 'JAKARTA' tidak dikenal; awali pesan dengan salah satu: BANJARBARU, TANGKAB",
        ),
        (
            "Lampu jalan di Jl. Ahmad Yani mati",
            None,
            "kata kunci 'Lampu' tidak dikenal",
        ),
        ("TANGKAB", None, "isi laporan terlalu singkat (minimal 15 karakter)"),
        ("TANGKAB jalan rusak", None, "isi laporan terlalu singkat"),
        ("TANGKAB jalan rusak parah sekali", {"message_id": "x"}, "tidak menyertakan nomor"),
        (b"TANGKAB \xff\xfe jalan", None, "bukan UTF-8"),
    ],
)
def test_a_malformed_sms_gets_a_clear_rejection_and_opens_nothing(
    engine: Engine, registry: Registry, text: str | bytes, meta: dict[str, str] | None, reason: str
) -> None:
    sms = registry.intake("lapor.sms_1708", {"sop": "lapor-upp", "keywords": KEYWORDS})
    with pytest.raises(IntakeRejected) as info:
        engine.intake(sms, text, meta or {"sender": "+628111", "message_id": "m-1"})
    assert reason in info.value.reason.id
    assert info.value.reason.en
    assert info.value.channel == "lapor.sms_1708"
    assert list(engine.store.case_ids()) == []


def test_a_bad_keyword_table_is_refused_when_the_channel_is_set_up(registry: Registry) -> None:
    with pytest.raises(PluginError, match=r"keywords: 'TANG KAB' does not match"):
        registry.intake("lapor.sms_1708", {"sop": "lapor-upp", "keywords": {"TANG KAB": "x"}})
    with pytest.raises(PluginError, match="config: 'keywords' is required"):
        registry.intake("lapor.sms_1708", {"sop": "lapor-upp"})


# -- web / app --------------------------------------------------------------------------------------


def test_a_web_submission_opens_a_case_as_the_reporter(engine: Engine, registry: Registry) -> None:
    web = registry.intake("lapor.web", {"sop": "lapor-upp"})
    body = {
        "id": "web-77",
        "pelapor": "akun-123",
        "kanal": "app",
        "judul": "Mohon informasi syarat izin usaha",
        "isi": "Apa saja syarat untuk mengurus NIB bagi UMKM?",
        "lokasi": "Kota Banjarbaru",
        "kerahasiaan": "rahasia",
    }
    case = engine.intake(web, json.dumps(body))
    assert case.data["kanal"] == "app"
    assert case.data["klasifikasi"] == "permintaan_informasi"
    assert case.data["kerahasiaan"] == "rahasia"
    assert case.data["lokasi"] == "Kota Banjarbaru"
    assert engine.history(case.id)[0].actor == Actor("akun-123", "pelapor")
    chosen = {**body, "id": "web-78", "klasifikasi": "aspirasi"}
    assert engine.intake(web, json.dumps(chosen)).data["klasifikasi"] == "aspirasi"


def test_a_bad_web_submission_lists_every_problem(engine: Engine, registry: Registry) -> None:
    web = registry.intake("lapor.web", {"sop": "lapor-upp"})
    with pytest.raises(IntakeRejected, match="not valid JSON"):
        engine.intake(web, "{judul: 1")
    with pytest.raises(IntakeRejected) as info:
        engine.intake(web, json.dumps({"id": "w", "kanal": "fax", "judul": "", "isi": "x"}))
    message = info.value.reason.id
    assert "'pelapor' is a required property" in message
    assert "kanal: 'fax' is not one of ['web', 'app']" in message
    assert "judul: '' should be non-empty" in message
    assert list(engine.store.case_ids()) == []


# -- classification, statuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ada pungli di kantor kelurahan, diminta uang 50 ribu", "pengaduan"),
        ("Jalan berlubang di Jl. Merdeka", "pengaduan"),
        ("Mohon informasi jadwal vaksinasi anak", "permintaan_informasi"),
        ("Bagaimana cara mengurus akta kelahiran?", "permintaan_informasi"),
        ("Saran saya taman kota ditambah lampu", "aspirasi"),
        ("Sebaiknya jam layanan diperpanjang sampai sore", "aspirasi"),
        ("Pelayanan di loket lambat, mohon informasi jam buka", "pengaduan"),
        ("Halo", "pengaduan"),
    ],
)
def test_classification(text: str, expected: str) -> None:
    assert classify(text) == expected


def test_every_state_of_the_reference_sop_has_a_lapor_status(registry: Registry) -> None:
    sop = load_definition(LAPOR, registry=registry)
    assert LAPOR_UPP.unmapped([s.name for s in sop.states]) == []
    assert set(LAPOR_UPP.states) == {s.name for s in sop.states}
    assert LAPOR_UPP.label("diterima") == "Laporan Belum Terverifikasi"
    assert LAPOR_UPP.from_lapor("Terdisposisi Sedang Diproses") == {"diproses", "draf_tanggapan"}
    assert LAPOR_UPP.from_lapor("arsip") == {"diarsipkan"}
    with pytest.raises(KeyError, match="not a LAPOR! status"):
        LAPOR_UPP.from_lapor("Hilang")
    with pytest.raises(ValueError, match="unknown LAPOR! status"):
        StatusMap({"diterima": "baru"})
    assert len(STATUSES) == 8


# -- export ------------------------------------------------------------------------------------------


def _respond(engine: Engine, case_id: str) -> None:
    for event, actor, payload in [
        # an SMS rarely says where: the admin asks, the reporter answers
        ("minta_kelengkapan", ADMIN, {"kekurangan": "lokasi persisnya"}),
        ("lengkapi", ADMIN, {"lokasi": "depan SDN 3 Cikupa"}),
        ("verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
        ("disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
        ("tindak_lanjuti", OFFICER, {}),
        ("ajukan_tanggapan", OFFICER, {"tanggapan": "draf pertama"}),
        ("kembalikan_draf", LIAISON, {"catatan": "lengkapi jadwal"}),
        ("ajukan_tanggapan", OFFICER, {"tanggapan": "Perbaikan dijadwalkan 10 Maret."}),
        ("setujui_tanggapan", LIAISON, {"tanpa_imbalan": True}),
    ]:
        engine.fire(case_id, event, actor, payload)


def test_only_approved_follow_ups_are_exported_without_the_reporter(
    engine: Engine, registry: Registry
) -> None:
    sms = registry.intake("lapor.sms_1708", {"sop": "lapor-upp", "keywords": KEYWORDS})
    meta = {"sender": "+6281234567890", "message_id": "gw-9"}
    case = engine.intake(sms, "TANGKAB jalan berlubang di depan SDN 3 Cikupa", meta)
    other = engine.intake(
        sms, "TANGKAB lampu jalan mati di Jl. Raya Serang", {**meta, "message_id": "gw-10"}
    )
    _respond(engine, case.id)
    export = registry.exporter("lapor.tindak_lanjut", {"instansi": "Kab. Tangerang"})
    text = export((engine.get(c), engine.history(c)) for c in (other.id, case.id))
    doc = json.loads(text)
    assert doc["format"] == "sp4n-lapor/tindak-lanjut"
    assert doc["instansi"] == "Kab. Tangerang"
    assert [r["id_kasus"] for r in doc["laporan"]] == [case.id]  # the other has no follow-up
    report = doc["laporan"][0]
    assert report["status"] == "terdisposisi_selesai"
    assert report["status_label"] == "Terdisposisi Selesai"
    assert [(f["urutan"], f["isi"], f["disetujui_oleh"]) for f in report["tindak_lanjut"]] == [
        (1, "Perbaikan dijadwalkan 10 Maret.", "dewi")
    ]
    assert "draf pertama" not in text
    assert "+6281234567890" not in text


# -- lint rule ---------------------------------------------------------------------------------------


def test_the_reference_sop_is_compatible(registry: Registry) -> None:
    assert lint_file(LAPOR, registry=registry) == []


def test_an_unmapped_state_and_a_foreign_class_are_reported(registry: Registry) -> None:
    text = LAPOR.read_text(encoding="utf-8")
    text = text.replace(
        "values: [pengaduan, aspirasi, permintaan_informasi]",
        "values: [pengaduan, aspirasi, permintaan_informasi, wbs]",
    ).replace(
        "  selesai:\n    label:",
        "  ditutup_paksa:\n    label: Ditutup\n    final: true\n  selesai:\n    label:",
    )
    text = text.replace(
        "transitions:\n",
        "transitions:\n  - event: arsipkan\n    from: diterima\n    to: ditutup_paksa\n    guards: [fields_complete: {fields: [judul]}]\n",
        1,
    )
    findings = lint_text(text, name="lapor.yaml", registry=registry)
    assert [f.code for f in findings] == ["SOP072", "SOP072"], [f.format() for f in findings]
    assert sorted(f.message("en") for f in findings) == [
        "lapor.kompatibel: class 'wbs' is not a LAPOR! class",
        "lapor.kompatibel: state 'ditutup_paksa' has no LAPOR! status",
    ]
    load_definition("lapor.yaml", text=text, registry=registry)  # warnings: it still loads
