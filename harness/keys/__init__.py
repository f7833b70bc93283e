"""The key vocabulary, every backend's code for each key, chords and key scripts.

Stdlib only: the stand-in guest runs this module too.
"""

from harness.keys.key import Key

__all__ = ["Key"]
