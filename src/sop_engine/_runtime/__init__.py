"""Running cases: the SOP catalogue, the command pipeline, the committer and the operations on cases."""
