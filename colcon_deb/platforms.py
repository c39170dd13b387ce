# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The platforms a run builds for: Docker's names, Debian's architectures.

Users name platforms as Docker does (`linux/arm64`); debs name them as
Debian does (`arm64`, `armhf`), engines as the kernel does (`aarch64`),
and QEMU's binfmt handlers as QEMU does (`qemu-aarch64`).  A platform an
engine's host does not run natively is emulated by QEMU, registered in
the kernel's binfmt_misc with the fix-binary flag, so that the interpreter
need not be in the container.
"""

from dataclasses import dataclass
from pathlib import Path

# Docker's platform: (Debian's architecture, QEMU's name of it, the kernel's
# names of the machines that run it natively)
KNOWN = {
    'linux/amd64': ('amd64', 'x86_64', ('x86_64', 'amd64')),
    'linux/386': ('i386', 'i386', ('i386', 'i686', 'x86_64', 'amd64')),
    'linux/arm64': ('arm64', 'aarch64', ('aarch64', 'arm64')),
    'linux/arm/v7': ('armhf', 'arm', ('armv7l', 'armv8l')),
    'linux/arm/v5': ('armel', 'arm', ('armv5tel', 'armv7l', 'armv8l')),
    'linux/ppc64le': ('ppc64el', 'ppc64le', ('ppc64le', )),
    'linux/s390x': ('s390x', 's390x', ('s390x', )),
    'linux/riscv64': ('riscv64', 'riscv64', ('riscv64', )),
    'linux/mips64le': ('mips64el', 'mips64el', ('mips64', )),
}
# other names Docker accepts for the same platforms
ALIASES = {
    'linux/arm64/v8': 'linux/arm64', 'linux/arm': 'linux/arm/v7',
    'linux/x86_64': 'linux/amd64', 'linux/aarch64': 'linux/arm64',
}
# where the kernel lists the interpreters of foreign binaries
BINFMT_FOLDER = Path('/proc/sys/fs/binfmt_misc')


@dataclass(frozen=True)
class Platform:
    """A platform to build for, with the base image it builds from."""

    # Docker's name: linux/arm64
    name: str
    # None: the run's --base-image
    base_image: str = None

    @property
    def architecture(self):
        """Debian's name of the architecture: arm64, armhf."""
        return KNOWN[self.name][0]

    @property
    def qemu(self):
        """The name QEMU gives the architecture: aarch64, arm."""
        return KNOWN[self.name][1]

    def runs_natively_on(self, machine):
        """Tell whether a host of the kernel's machine name runs it as is."""
        return machine in KNOWN[self.name][2]


def parse_platform(value):
    """
    Return the platform of `PLATFORM[=IMAGE]`, as --platform gives it.

    :raises ValueError: naming the platforms there are
    """
    name, sep, image = value.partition('=')
    name = name.strip().lower()
    if name and '/' not in name or name.count('/') == 1 and \
            name.split('/')[0] != 'linux':
        name = f'linux/{name}'
    name = ALIASES.get(name, name)
    if name not in KNOWN:
        raise ValueError(
            f"'{value}' is no platform colcon deb builds for; one of "
            f"{', '.join(KNOWN)}, optionally followed by =IMAGE")
    if sep and not image:
        raise ValueError(f"'{value}' names no base image after '='")
    return Platform(name, image or None)


def platform_of_machine(machine):
    """Return the platform a host of a kernel machine name runs, or None."""
    for name, (_, _, machines) in KNOWN.items():
        if machine == machines[0]:
            return Platform(name)
    for name, (_, _, machines) in KNOWN.items():
        if machine in machines:
            return Platform(name)
    return None


def emulation_problem(platform, folder=None):
    """
    Say why this machine's kernel cannot run the platform's binaries.

    QEMU user emulation must be registered in binfmt_misc with the
    fix-binary flag (F): the kernel then opens the interpreter when it is
    registered, and containers, which do not have it, can use it.

    :param folder: where binfmt_misc is mounted, by default its place
    :returns: one line saying how to enable it, or None when it works
    """
    folder = folder or BINFMT_FOLDER
    if not (folder / 'status').exists():
        return (
            f'building for {platform.name} needs QEMU user emulation, and '
            f'binfmt_misc is not mounted at {folder}: mount it (`mount -t '
            f'binfmt_misc binfmt_misc {folder}`), then '
            + how_to_enable(platform))
    try:
        lines = (folder / f'qemu-{platform.qemu}').read_text().splitlines()
    except OSError:
        lines = []
    if not lines:
        return not_registered(platform, 'this machine')
    flags = next(
        (line.split(':', 1)[1] for line in lines
         if line.startswith('flags:')), '')
    if lines[0] != 'enabled':
        return (
            f'building for {platform.name} needs QEMU user emulation of '
            f'{platform.qemu}, which is registered but disabled: '
            f'`update-binfmts --enable qemu-{platform.qemu}`, or '
            + how_to_enable(platform))
    if 'F' not in flags:
        return (
            f'building for {platform.name} needs QEMU user emulation of '
            f'{platform.qemu} registered with the fix-binary flag (F), '
            'which containers need, and it is registered without: '
            + how_to_enable(platform))
    return None


def not_registered(platform, host):
    """Say that a host lacks the platform's emulation, and how to add it."""
    return (
        f'building for {platform.name} needs QEMU user emulation of '
        f'{platform.qemu}, which is not registered on {host}: '
        + how_to_enable(platform))


def how_to_enable(platform):
    """Return the commands that register QEMU for the platform, as root."""
    return (
        '`apt-get install qemu-user-static` (Debian, Ubuntu) or `docker '
        'run --privileged --rm tonistiigi/binfmt --install '
        f"{platform.name.split('/')[1]}`")
