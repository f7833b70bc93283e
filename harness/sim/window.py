"""The simulated device in a real desktop window: the test peer of the ``desktop`` backend.

A Tk window titled ``Autopilot simulated device`` shows the simulated device's screen, refreshed
every ``refresh_ms``, and turns the X key events it receives into key presses of the device model
(``HeldKeys``: Windows key alone on release, Ctrl+Shift+D as a chord). It plays the part of a VM
viewer (VMConnect, virt-viewer) on the rig's desktop, so the desktop backend can be tested with a
real X server, a real window and real pyautogui.

The device is powered on when the window opens (the window is the device's only power switch;
a right click opens a small Power on / Power off menu). After Reseal the device is off and the
window shows black, as a viewer shows a VM that shut down.

Keys reach the window only while it has the keyboard focus. Under a bare X server with no window
manager the focus follows the pointer unless someone sets it: the window takes the focus when it
opens (``focus_force``), and the desktop backend can set it too (``focus_window``).

Run it with ``harness sim window [--scenario S] [--windows 10|11] [--size WxH] [--time-scale N]``.
"""

from __future__ import annotations

import signal
import threading
import tkinter as tk
from typing import Any

import numpy as np
from PIL import Image, ImageTk

from harness.sim.peers.held_keys import HeldKeys
from harness.sim.window_keys import key_for_keysym
from harness.targets.target import Target

WINDOW_TITLE = "Autopilot simulated device"
REFRESH_MS = 100


class SimWindow:
    """One Tk window over one simulated target (``make_sim_target``)."""

    def __init__(
        self,
        target: Target,
        *,
        title: str = WINDOW_TITLE,
        refresh_ms: int = REFRESH_MS,
        power_on: bool = True,
        position: tuple[int, int] = (0, 0),
    ) -> None:
        self.target = target
        self.title = title
        self.refresh_ms = refresh_ms
        self.power_on_at_start = power_on
        self.position = position
        self.keys = HeldKeys(target.keyboard)
        self._shown: np.ndarray | None = None
        self._photo: ImageTk.PhotoImage | None = None
        self._stopping = False

    def run(self) -> None:
        """Open the window and serve it until it is closed (or the process is stopped)."""
        if self.power_on_at_start and self.target.power is not None:
            self.target.power.power_on()
        first = self.target.screen.grab().image
        height, width = first.shape[:2]
        root = tk.Tk()
        root.title(self.title)
        # A fixed place, so a fixed region finds it too; on Xvfb no window manager moves it.
        x, y = self.position
        root.geometry(f"{width}x{height}+{x}+{y}")
        root.resizable(False, False)
        picture = tk.Label(root, borderwidth=0, highlightthickness=0, background="black")
        picture.pack(fill="both", expand=True)
        root.bind("<KeyPress>", self._key_down)
        root.bind("<KeyRelease>", self._key_up)
        picture.bind("<Button-1>", self._click)
        picture.bind(
            "<Button-3>", lambda event: self._power_menu(root).tk_popup(event.x_root, event.y_root)
        )
        root.after(0, root.focus_force)
        root.after(0, lambda: self._refresh(root, picture))
        print(f"{self.title}: {width}x{height}, {self.target.name}", flush=True)
        # Ctrl-C (SIGINT) closes the window at the next refresh: raised as KeyboardInterrupt
        # inside a Tk callback, it would only be printed as a traceback and the window stay.
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, self._stop_asked)
        try:
            root.mainloop()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _stop_asked(self, signum: int, frame: object) -> None:
        self._stopping = True

    def _refresh(self, root: tk.Tk, picture: tk.Label) -> None:
        if self._stopping:
            root.destroy()
            return
        image = self.target.screen.grab().image
        # The sim target hands out the same array for an unchanged View: redraw only on change.
        if image is not self._shown:
            self._shown = image
            rgb = np.ascontiguousarray(image[:, :, ::-1])
            self._photo = ImageTk.PhotoImage(Image.fromarray(rgb), master=root)
            picture.configure(image=self._photo)
        root.after(self.refresh_ms, lambda: self._refresh(root, picture))

    def _click(self, event: Any) -> None:
        """A left click on a drawn button or link activates it (the model's ``click``)."""
        from harness.sim.render.renderer import render_with_hotspots

        if self._shown is None:
            return
        height, width = self._shown.shape[:2]
        device = self.target.keyboard.device  # type: ignore[attr-defined]
        _, hotspots = render_with_hotspots(device.view(), (width, height))
        for label, (left, top, right, bottom) in hotspots.items():
            if left <= event.x <= right and top <= event.y <= bottom:
                device.click(label)
                return

    def _key_down(self, event: Any) -> None:
        key = key_for_keysym(event.keysym)
        if key is not None:
            self.keys.down(key)

    def _key_up(self, event: Any) -> None:
        key = key_for_keysym(event.keysym)
        if key is not None:
            self.keys.up(key)

    def _power_menu(self, root: tk.Tk) -> tk.Menu:
        power = self.target.power
        menu = tk.Menu(root, tearoff=False)
        if power is not None:
            menu.add_command(label="Power on", command=power.power_on)
            menu.add_command(label="Power off", command=power.power_off)
        return menu
