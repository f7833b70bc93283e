"""The fleet: many devices of one lab file, selected by name, tag or fact, run in parallel on
this rig host (``harness fleet run``; docs/fleet.md)."""
