"""Core values: texts, clocks, errors, findings, records, calendars, the SOP model. Imports nothing else of sop_engine."""
