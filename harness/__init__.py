"""Hardware-in-the-loop test harness for the Windows Autopilot pre-provisioning technician flow."""

__version__ = "0.1.0"
