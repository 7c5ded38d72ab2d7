"""Indonesian of messages written while merging the branches of the second wave."""

T = {
    "larger than the limit of {limit} bytes": "lebih besar dari batas {limit} byte",
}
