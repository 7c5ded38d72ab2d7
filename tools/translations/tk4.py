"""Indonesian for the messages of wave 4, tk4 (issue 18: the scenario reader's findings that
fuzzing showed missing)."""

T = {
    "the IANA time zones, such as {zones}": "zona waktu IANA, misalnya {zones}",
}
