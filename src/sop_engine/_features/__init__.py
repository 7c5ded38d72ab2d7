"""The SOP features built on the specs: built-in guards and actions, deadlines, ethics, invariants."""
