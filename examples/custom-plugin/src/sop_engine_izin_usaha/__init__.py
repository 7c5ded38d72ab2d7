"""The licence register of DPMPTSP Kabupaten Contoh, as a sop_engine guard.

``izin.nib_terdaftar`` lets a complaint about a business go forward only when the business
licence number (NIB, Nomor Induk Berusaha: 13 digits) given in the case is in the agency's
register, and, unless told otherwise, still active. The register is a local SQLite database whose
path the deployment sets in the environment variable ``IZIN_USAHA_DB`` (never the SOP file: SOP
files are reviewed as documents and must not point the engine at files).
"""

from sop_engine_izin_usaha.register import ENV, Entry, Register, create

__all__ = ["ENV", "Entry", "Register", "create"]
