"""The exception hierarchy.

Three families, because the verdict depends on who misbehaved:

- ``RigError``: the test rig failed (a lost connection, no frame, a key that was not accepted).
  A run that ends on one of these gets the verdict ``error``, never ``failed``.
- ``ConfigError``: the configuration is wrong (a bad key, a missing file). Raised before any
  device is touched; the CLI exits with code 3.
- ``UsageError``: the harness API was misused by the calling code (a programming error).

A misbehaving *device* is not an exception at all: it is a verdict (``failed``) decided by the flow.
"""

from __future__ import annotations


class HarnessError(Exception):
    """Base of every error the harness raises on purpose."""


class RigError(HarnessError):
    """The rig (not the device under test) failed."""


class ConnectionLost(RigError):
    """A connection to a control interface (libvirt, BMC, KVM, serial port) was lost."""


class NoFrame(RigError):
    """The screen source delivered no frame, or stalled."""


class KeyNotAccepted(RigError):
    """A keyboard backend refused or did not acknowledge a key."""


class PowerControlError(RigError):
    """A power controller refused or failed an action."""


class UnknownScreen(RigError):
    """The screen matched no known definition for longer than the flow allows.

    Counted as a rig problem (a capture showing something else, a missing screen definition for
    this build or language), never as a product failure: a person has to look at the screenshot.
    """


class VisionError(RigError):
    """Vision itself failed (an OCR engine crashed, a decoder library is missing), as opposed to
    a frame it could not recognise (that is the state ``unknown``, not an error)."""


class Interrupted(RigError):
    """The run was stopped from outside (Ctrl-C, SIGTERM) before it finished."""


class ConfigError(HarnessError):
    """Invalid configuration. Names the source, the key and what was expected."""

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None) -> None:
        self.source = source
        self.key = key
        where = ": ".join(part for part in (source, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


class UsageError(HarnessError):
    """The calling code misused the harness API."""
