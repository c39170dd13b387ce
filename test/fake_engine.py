# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A container engine that runs nothing, for quick scenario tests.

It answers like the Docker engine: the prepare container reports every
rosdep key as resolved, a build container produces a real (tiny) deb made
with dpkg-deb, or fails the way a test scripted it.
"""

from dataclasses import replace
from pathlib import Path
import subprocess
import threading

from colcon_deb.container import contract
from colcon_deb.container.contract import Mount
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import EngineUnreachable
from colcon_deb.docker.engine import RunResult
from colcon_deb.docker.engine import UnsafeArchive
from colcon_deb.platforms import platform_of_machine
from debian.deb822 import Deb822

# what a scripted outcome of a build container looks like to the task
OUTCOMES = {
    'ok': RunResult(exit_code=0),
    'compile-error': RunResult(exit_code=contract.EXIT_BUILD.code),
    'killed': RunResult(exit_code=contract.EXIT_KILLED.code),
    'timeout': RunResult(exit_code=contract.EXIT_KILLED.code, timed_out=True),
    'oom': RunResult(exit_code=contract.EXIT_BUILD.code, oom_killed=True),
}
# builds that succeed with a file in the deb: its path and mode
FILES = {
    'configuration': ('etc/{name}/{name}.conf', 0o644),
    'setuid': ('opt/ros/noetic/bin/{name}', 0o4755),
}

# the file of the deb of debug symbols a build with binaries makes
DEBUG_FILE = 'usr/lib/debug/.build-id/ab/cdef.debug'


class FakeEngine:
    """Scripted outcomes per package; every build attempt is recorded."""

    def __init__(self, outcomes=None, *, url=None, jobs=None,
                 gone_after=None, machine='x86_64', architecture=None,
                 binary=False):  # noqa: D107
        # package name -> outcomes of its build attempts, the last repeats
        self.outcomes = outcomes or {}
        self.url = url
        self._jobs = jobs
        # the engine disappears during its build number `gone_after` + 1
        self.gone_after = gone_after
        self.gone = False
        # the kernel's name of its host's machine; its builds are for the
        # Debian architecture of it, or for another one it emulates
        self._machine = machine
        self.architecture = architecture or \
            platform_of_machine(machine).architecture
        # its debs are of that architecture, else `all`
        self.binary = binary
        self.builds = []
        # tag -> labels of the images made from a Dockerfile
        self.images = {}
        self._lock = threading.Lock()

    name = property(lambda self: self.url or 'unix:///fake.sock')
    is_local = True

    def check(self):
        if self.gone:
            raise EngineUnreachable(
                f'cannot reach the Docker engine at {self.name}', 'gone')

    def cpus(self):
        return 2

    def jobs(self):
        return self._jobs or self.cpus()

    def machine(self):
        return self._machine

    def data_root(self):
        return None

    def image_id(self, tag):
        if tag.startswith('colcon-deb-dependencies:') and \
                tag not in self.images:
            return None
        return 'sha256:' + '0' * 64

    def build_image_from(self, dockerfile, tag, *, labels, on_line):
        self.check()
        on_line(dockerfile.splitlines()[0])
        self.images[tag] = labels

    def touch_image(self, tag):
        pass

    def last_tagged(self, labels):
        return {}

    def labelled_images(self, labels):
        return {
            tag: found for tag, found in self.images.items()
            if labels.items() <= found.items()}

    def run_labels(self):
        return {}

    def remove_labelled(self, labels):
        return 0

    def run(self, spec, *, on_stdout, on_stderr, timeout=None, stop=None):
        folders = {f.container_path: Path(f.host_path) for f in spec.folders}
        if spec.command[-1] == contract.PREPARE_SCRIPT:
            return self._prepare(spec, folders[Mount.OUT])
        package = spec.labels['colcon-deb.package']
        with self._lock:
            attempt = sum(1 for name in self.builds if name == package)
            self.builds.append(package)
            if self.gone_after is not None and \
                    len(self.builds) > self.gone_after:
                self.gone = True
        if self.gone:
            raise EngineError('Docker: the connection was reset')
        scripted = self.outcomes.get(package, ['ok'])
        outcome = scripted[min(attempt, len(scripted) - 1)]
        on_stdout(f'building {package}, attempt {attempt + 1}\n'.encode())
        if outcome == 'daemon-error':
            raise EngineError('Docker: the daemon went away')
        if outcome == 'unsafe-archive':
            raise UnsafeArchive(
                "the remote engine sent back /out with 'out/x.deb', a "
                'symbolic link: nothing of it is taken')
        if outcome == 'ok' or outcome in FILES:
            self._make_deb(contract.JobSpec.from_json(
                spec.environment[contract.JOB_VARIABLE]), folders[Mount.OUT],
                FILES.get(outcome), self._architecture())
        if outcome == 'binaries':
            self._make_debs_with_debug_symbols(contract.JobSpec.from_json(
                spec.environment[contract.JOB_VARIABLE]), folders[Mount.OUT])
        return OUTCOMES.get(outcome, OUTCOMES['ok'])

    def _prepare(self, spec, out):
        request = contract.PrepareRequest.from_json(
            spec.environment[contract.PREPARE_VARIABLE])
        (out / contract.PREPARE_RESULT_FILE).write_text(
            contract.PrepareResult(
                codename='bookworm', architecture=self.architecture,
                python_version='3.11', installed=[],
                resolved={
                    key: {'installer': 'apt', 'packages': [key]}
                    for key in request.keys},
                unresolved={}, prefix_setup_available=True).to_json())
        return RunResult(exit_code=0)

    def _architecture(self):
        return self.architecture if self.binary else 'all'

    @staticmethod
    def _make_deb(spec, out, file=None, architecture='all'):
        root = out / 'root'
        (root / 'DEBIAN').mkdir(parents=True)
        if file:
            path = root / file[0].format(name=spec.name)
            path.parent.mkdir(parents=True)
            path.write_text('')
            path.chmod(file[1])
        control = Deb822(spec.control.replace(
            contract.ARCHITECTURE_PLACEHOLDER, architecture))
        (root / 'DEBIAN' / 'control').write_text(control.dump())
        # named as build_package.py names it
        subprocess.run(
            ['dpkg-deb', '--root-owner-group', '--build', str(root),
             str(out / f"{control['Package']}_{control['Version']}_"
                       f'{architecture}.deb')],
            check=True, stdout=subprocess.DEVNULL)
        subprocess.run(['rm', '-r', str(root)], check=True)

    @classmethod
    def _make_debs_with_debug_symbols(cls, spec, out):
        """Make the debs of a package with a binary, and its debug symbols."""
        cls._make_deb(
            spec, out, ('opt/ros/noetic/lib/lib{name}.so', 0o644), 'amd64')
        version = Deb822(spec.control)['Version']
        dbgsym = replace(
            spec, deb_name=spec.dbgsym_name,
            control=f'Package: {spec.dbgsym_name}\nVersion: {version}\n'
            f'Architecture: {contract.ARCHITECTURE_PLACEHOLDER}\n'
            f'Depends: {spec.deb_name} (= {version})\n'
            'Maintainer: M <m@example.org>\nDescription: debug symbols\n')
        cls._make_deb(dbgsym, out, (DEBUG_FILE, 0o644), 'amd64')
