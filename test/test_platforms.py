# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Platforms by Docker's names, and whether this machine emulates them."""

import os

from colcon_deb.platforms import emulation_problem
from colcon_deb.platforms import parse_platform
from colcon_deb.platforms import Platform
from colcon_deb.platforms import platform_of_machine
import pytest


@pytest.mark.parametrize('value, name, architecture', [
    ('linux/amd64', 'linux/amd64', 'amd64'),
    ('linux/arm64', 'linux/arm64', 'arm64'),
    ('arm64', 'linux/arm64', 'arm64'),
    ('linux/arm64/v8', 'linux/arm64', 'arm64'),
    ('linux/arm/v7', 'linux/arm/v7', 'armhf'),
    ('arm/v7', 'linux/arm/v7', 'armhf'),
    ('Linux/RISCV64', 'linux/riscv64', 'riscv64'),
])
def test_docker_names_are_debian_architectures(value, name, architecture):
    platform = parse_platform(value)
    assert platform == Platform(name)
    assert platform.architecture == architecture


def test_a_platform_with_its_base_image():
    assert parse_platform('linux/arm64=arm64v8/debian:bookworm') == \
        Platform('linux/arm64', 'arm64v8/debian:bookworm')


@pytest.mark.parametrize('machine, name', [
    ('x86_64', 'linux/amd64'), ('aarch64', 'linux/arm64'),
    ('armv7l', 'linux/arm/v7'), ('s390x', 'linux/s390x'),
    ('sparc64', None)])
def test_the_platform_of_an_engine_s_machine(machine, name):
    platform = platform_of_machine(machine)
    assert (platform and platform.name) == name


def test_what_runs_natively():
    assert Platform('linux/amd64').runs_natively_on('x86_64')
    assert Platform('linux/386').runs_natively_on('x86_64')
    assert not Platform('linux/arm64').runs_natively_on('x86_64')
    assert Platform('linux/arm64').runs_natively_on('aarch64')


def binfmt(tmp_path, **handlers):
    """Make a folder that looks like a mounted binfmt_misc."""
    folder = tmp_path / 'binfmt_misc'
    folder.mkdir()
    (folder / 'status').write_text('enabled\n')
    for name, text in handlers.items():
        (folder / name.replace('_', '-')).write_text(text)
    return folder


REGISTERED = (
    'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n'
    'flags: PF\noffset 0\n')
ARM64 = Platform('linux/arm64')


def test_registered_with_the_fix_binary_flag(tmp_path):
    assert emulation_problem(
        ARM64, binfmt(tmp_path, qemu_aarch64=REGISTERED)) is None


def test_not_registered_says_how_to_register(tmp_path):
    assert emulation_problem(ARM64, binfmt(tmp_path)) == (
        'building for linux/arm64 needs QEMU user emulation of aarch64, '
        'which is not registered on this machine: `apt-get install '
        'qemu-user-static` (Debian, Ubuntu) or `docker run --privileged '
        '--rm tonistiigi/binfmt --install arm64`')


def test_registered_without_the_fix_binary_flag(tmp_path):
    problem = emulation_problem(ARM64, binfmt(
        tmp_path, qemu_aarch64=REGISTERED.replace('PF', 'P')))
    assert 'with the fix-binary flag (F)' in problem
    assert 'qemu-user-static' in problem


def test_registered_but_disabled(tmp_path):
    problem = emulation_problem(ARM64, binfmt(
        tmp_path, qemu_aarch64=REGISTERED.replace('enabled', 'disabled')))
    assert '`update-binfmts --enable qemu-aarch64`' in problem


def test_binfmt_misc_not_mounted(tmp_path):
    problem = emulation_problem(ARM64, tmp_path)
    assert f'binfmt_misc is not mounted at {tmp_path}' in problem
    assert '\n' not in problem


@pytest.mark.skipif(
    os.environ.get('CI') != 'true', reason='CI registers QEMU for arm64')
def test_this_machine_emulates_arm64():
    """The real check: .ci/run installs qemu-user-static."""
    assert emulation_problem(ARM64) is None
