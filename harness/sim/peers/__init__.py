"""Physical-rig peers of the simulated device: what a real rig's hardware would serve.

An MJPEG stream of its screen (as ustreamer serves it), an emulated CH9329 on a pseudo-terminal,
a line-protocol keyboard helper and a PiKVM API server. Each drives an in-process simulated
device through the target interfaces (``Screen``, ``Keyboard``, ``Power``). Test peers only: they
bind 127.0.0.1.
"""
