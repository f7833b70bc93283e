"""The stand-in libvirt guest: a Debian kernel and an initramfs whose /init runs the simulated
device on the framebuffer (``guest_init``), built and cached by ``builder``. See docs/libvirt.md."""
