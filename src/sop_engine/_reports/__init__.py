"""Seeing and judging SOPs and cases: diagrams, a case explained, M&E reports, process-mining logs."""
