"""Give /dev/kvm the mode Debian's udev gives it (root:kvm 0660) before libvirtd is used.

Containers and CI machines without udev leave /dev/kvm as root:root 0600. libvirtd then finds on
every domain definition that the ``libvirt-qemu`` user cannot open /dev/kvm, throws its cached
QEMU capabilities away and probes QEMU again: 30-100 s per ``virsh define`` instead of a few
milliseconds, which alone would put ``make test`` over its time limit. The rule applied here is
the one in systemd's ``50-udev-default.rules`` (``KERNEL=="kvm", GROUP="kvm", MODE="0660"``);
the guests themselves still run under TCG (domain type ``qemu``).
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

KVM_DEVICE = Path("/dev/kvm")
KVM_MODE = 0o660


def apply_debian_kvm_mode(device: Path = KVM_DEVICE) -> str:
    """Set ``device`` to root:kvm 0660 when it is not already; says what it did."""
    if not device.exists():
        return f"{device} absent: nothing to do"
    try:
        kvm_gid = grp.getgrnam("kvm").gr_gid
    except KeyError:
        return "no 'kvm' group (Debian: qemu-system-common creates it): left as it is"
    info = device.stat()
    if info.st_gid == kvm_gid and stat.S_IMODE(info.st_mode) == KVM_MODE:
        return f"{device} already root:kvm 0660"
    if os.geteuid() != 0:
        return f"{device} is not root:kvm 0660 and this is not root: libvirt defines will be slow"
    os.chown(device, 0, kvm_gid)
    device.chmod(KVM_MODE)
    return f"{device} set to root:kvm 0660 (Debian's udev rule)"
