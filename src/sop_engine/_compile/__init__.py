"""The registry (pluggy collection of specs) and compilation, the only place names are bound to code."""
