"""One key of the vocabulary, with the code every backend uses for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    """A key and its code in each backend's own vocabulary.

    ``hid_usage`` is 0 for modifiers: on a HID boot report they are bits of the modifier byte
    (``hid_modifier``), not usage ids in the key slots.
    """

    name: str
    """Canonical lower-case name: ``a``, ``7``, ``enter``, ``leftsuper``, ``f10``, ``pageup``."""
    evdev: int
    """Linux input event code (``KEY_*``), as libvirt's LINUX codeset and the guest see it."""
    win32_vk: int
    """Win32 virtual-key code, for Hyper-V's Msvm_Keyboard."""
    hid_usage: int
    """USB HID usage id (keyboard page), for CH9329 and USB gadgets; 0 for modifiers."""
    hid_modifier: int
    """Modifier bit in a HID boot report (0x08 is left GUI); 0 for other keys."""
    js_code: str
    """JavaScript ``KeyboardEvent.code`` name, for PiKVM: ``MetaLeft``, ``KeyD``."""
    pyautogui: str
    """pyautogui key name: ``win``, ``enter``, ``d``."""

    @property
    def is_modifier(self) -> bool:
        return self.hid_modifier != 0
