"""Indonesian for the messages of wave 4, tk4 (issue 18: the scenario reader's findings that
fuzzing showed missing) and issue 19 (``sop test`` arguments)."""

T = {
    "the IANA time zones, such as {zones}": "zona waktu IANA, misalnya {zones}",
    "give a whole number of scenarios, at least 1": "berikan jumlah skenario berupa bilangan "
    "bulat, paling sedikit 1",
    "give a whole number of steps, at least 1": "berikan jumlah langkah berupa bilangan bulat, "
    "paling sedikit 1",
}
