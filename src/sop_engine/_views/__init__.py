"""Reading cases as someone may see them: redacted case views and exports, the breach ledger."""
