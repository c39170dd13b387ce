# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Faults against a real engine.

Killed containers, signals, timeouts, failures with and without
--continue-on-error, a second run on the same output folder, the memory
limit, an unresolvable rosdep key.
"""

from pathlib import Path
import signal
import subprocess
import time

from colcon_deb.atomic_file import TEMPORARY_SUFFIX
from colcon_deb.container.contract import Mount
from colcon_deb.docker.engine import PID_LABEL
from colcon_deb.work_folder import RUNS_FOLDER
from debian.deb822 import Packages
from docker_helpers import CACHE_HOME
from docker_helpers import colcon_deb
from docker_helpers import colcon_deb_command
from docker_helpers import copy_workspace
from docker_helpers import fill
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
from docker_helpers import workspace_env
import pytest

pytestmark = pytest.mark.docker

FAULTS = Path(__file__).parent / 'faults'
DIAMOND = Path(__file__).parent / 'diamond'
RUN_LABEL = 'colcon-deb.run'


def start(workspace, *args):
    """Start colcon deb in the background, its output going to a file."""
    log = (workspace / 'colcon-deb.out').open('w')
    process = subprocess.Popen(
        colcon_deb_command(*args), cwd=workspace, stdout=log,
        stderr=subprocess.STDOUT, text=True, env=workspace_env(workspace))
    process.log_path = workspace / 'colcon-deb.out'
    return process


def work_folders(workspace):
    """Return where the runs in a test workspace have their work folder."""
    return workspace / CACHE_HOME / 'colcon-deb' / RUNS_FOLDER


def output_of(process, timeout=180):
    process.wait(timeout=timeout)
    return process.log_path.read_text()


def wait_for_container(client, package, timeout=120):
    """Return the running container of a package once it builds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.containers.list(filters={
            'label': f'colcon-deb.package={package}', 'status': 'running'})
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f'no container of {package} started')


def run_containers(client, process=None):
    """Return the containers of runs, or of the run of one process."""
    label = RUN_LABEL if process is None else f'{PID_LABEL}={process.pid}'
    return client.containers.list(all=True, filters={'label': label})


def indexed_packages(repository):
    with (repository / 'Packages').open() as f:
        return {
            p['Package'] for p in Packages.iter_paragraphs(
                f, use_apt_pkg=False)}


@pytest.fixture
def faults(tmp_path):
    return copy_workspace(tmp_path / 'ws', FAULTS)


@pytest.mark.parametrize('retries', [1, 0])
def test_killed_container(docker_engine, faults, retries):
    colcon_deb(faults, '--packages-select', 'quick')
    process = start(
        faults, '--packages-select', 'slow', '--cmake-args', '-DTEST_SLEEP=6',
        '--retries', str(retries), '--retry-delay', '1')
    wait_for_container(docker_engine, 'slow').kill()
    output = output_of(process)
    repository = faults / 'deb'
    if retries:
        assert process.returncode == 0, output
        assert 'Retried slow: its container was killed' in output
        assert {'ros-noetic-slow', 'ros-noetic-quick'} <= \
            indexed_packages(repository)
    else:
        assert process.returncode != 0, output
        assert 'Failed slow: its container was killed' in output
        assert 'ros-noetic-slow' not in indexed_packages(repository)
        # the deb of an earlier run stays published and intact
        assert 'ros-noetic-quick' in indexed_packages(repository)
        deb, = repository.glob('ros-noetic-quick_*.deb')
        subprocess.run(['dpkg-deb', '--info', str(deb)], check=True,
                       stdout=subprocess.DEVNULL)


@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_everything(docker_engine, faults, signum):
    # a first run publishes quick, so the repository has something to keep
    colcon_deb(faults, '--packages-select', 'quick')
    process = start(
        faults, '--packages-select', 'slow',
        '--cmake-args', '-DTEST_SLEEP=120')
    wait_for_container(docker_engine, 'slow')
    sent = time.monotonic()
    process.send_signal(signum)
    output = output_of(process, timeout=30)
    # within 10 s: the process ended and no container of a run is left
    while run_containers(docker_engine, process) and \
            time.monotonic() - sent < 10:
        time.sleep(0.2)
    assert not run_containers(docker_engine, process), output
    assert time.monotonic() - sent < 10
    assert process.returncode != 0
    repository = faults / 'deb'
    leftovers = [
        p.name for p in repository.rglob('*') if p.name.endswith('.tmp')]
    assert not leftovers, leftovers
    assert not list(work_folders(faults).iterdir())
    rc, apt_output = run_in_clean_container(
        docker_engine, repository,
        INSTALL_FROM_REPOSITORY + 'apt-get install -y -q ros-noetic-quick')
    assert rc == 0, apt_output


def test_package_timeout(docker_engine, faults):
    started = time.monotonic()
    process = start(
        faults, '--packages-select', 'slow', '--package-timeout', '5',
        '--cmake-args', '-DTEST_SLEEP=120')
    output = output_of(process)
    assert process.returncode != 0
    assert 'Failed slow: timed out after 5 s (--package-timeout)' in output
    assert time.monotonic() - started < 100
    assert not run_containers(docker_engine, process)


def test_continue_on_error_in_a_diamond(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws', DIAMOND)
    completed = colcon_deb(
        workspace, '--continue-on-error', '--retries', '2', check=False)
    output = completed.stdout
    assert completed.returncode != 0, output
    assert indexed_packages(workspace / 'deb') == {
        'ros-noetic-base', 'ros-noetic-right', 'ros-noetic-lone',
        'ros-noetic-ros-workspace'}
    assert 'Failed left: building failed' in output
    assert 'Skipped top: depends on left, which failed' in output
    # a compile error is not retried
    assert 'Retried' not in output


def test_first_failure_stops_the_run(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws', DIAMOND)
    completed = colcon_deb(
        workspace, '--packages-up-to', 'top', '--executor', 'sequential',
        check=False)
    assert completed.returncode != 0
    assert 'Failed left: building failed' in completed.stdout
    assert 'ros-noetic-top' not in indexed_packages(workspace / 'deb')


def test_second_run_on_the_same_output_folder(docker_engine, faults):
    process = start(
        faults, '--packages-select', 'slow',
        '--cmake-args', '-DTEST_SLEEP=120')
    wait_for_container(docker_engine, 'slow')
    started = time.monotonic()
    second = colcon_deb(faults, '--packages-select', 'quick', check=False)
    assert second.returncode == 1
    assert time.monotonic() - started < 10
    lines = second.stdout.strip().splitlines()
    assert len(lines) == 1 and 'another colcon deb run' in lines[0], \
        second.stdout
    process.send_signal(signal.SIGINT)
    output_of(process, timeout=30)


def test_memory_limit(docker_engine, faults):
    completed = colcon_deb(
        faults, '--packages-select', 'hungry', '--memory', '256m',
        check=False)
    assert completed.returncode != 0
    assert 'Failed hungry: out of memory (--memory 256m)' in \
        completed.stdout


def test_unresolvable_rosdep_key_is_one_line(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws', DIAMOND)
    xml = workspace / 'right' / 'package.xml'
    xml.write_text(xml.read_text().replace(
        '<depend>base</depend>', '<depend>no_such_key</depend>'))
    completed = colcon_deb(workspace, check=False)
    assert completed.returncode == 1
    errors = [line for line in completed.stdout.splitlines()
              if 'ERROR' in line]
    assert len(errors) == 1, completed.stdout
    assert "package 'right': rosdep key 'no_such_key' does not resolve" in \
        errors[0]
    assert '--rosdep-source' in errors[0]
    assert 'Traceback' not in completed.stdout


def test_missing_base_image_is_one_line(docker_engine, faults):
    started = time.monotonic()
    completed = colcon_deb(
        faults, '--packages-select', 'quick',
        '--base-image', 'colcon-deb-test/no-such-image:1', check=False)
    assert completed.returncode == 1
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout
    assert "the base image 'colcon-deb-test/no-such-image:1' is not here" \
        in lines[0]
    assert time.monotonic() - started < 30


def test_build_has_no_network_and_a_read_only_source(docker_engine, faults):
    colcon_deb(
        faults, '--packages-select', 'probe',
        '--cmake-args', f'-DSOURCE_MOUNT={Mount.SOURCE}')
    deb, = (faults / 'deb').glob('ros-noetic-probe_*.deb')
    listing = subprocess.run(
        ['dpkg-deb', '--fsys-tarfile', str(deb)], check=True,
        stdout=subprocess.PIPE).stdout
    probe = subprocess.run(
        ['tar', '-xO', './opt/ros/noetic/share/probe/probe.txt'],
        input=listing, check=True, stdout=subprocess.PIPE).stdout.decode()
    # no network, no writing into the mounted source; the build writes
    # into its own copy, and the user's folder is left alone
    assert 'network=0' not in probe and 'network=' in probe, probe
    assert 'mount=0' not in probe and 'mount=' in probe, probe
    assert 'source=0' in probe, probe
    assert not (faults / 'probe' / 'written').exists()


def test_a_killed_run_is_cleaned_up_by_the_next(docker_engine, faults):
    process = start(
        faults, '--packages-select', 'slow',
        '--cmake-args', '-DTEST_SLEEP=120')
    wait_for_container(docker_engine, 'slow')
    # no chance to clean up: the container and the work folder stay behind
    process.kill()
    process.wait()
    assert run_containers(docker_engine)
    assert list(work_folders(faults).iterdir())
    rc, output = run_in_clean_container(
        docker_engine, faults / 'deb',
        INSTALL_FROM_REPOSITORY + 'apt-cache policy ros-noetic-ros-workspace')
    assert rc == 0, output
    colcon_deb(faults, '--packages-select', 'quick')
    assert not run_containers(docker_engine)
    assert not list(work_folders(faults).iterdir())


def test_a_full_output_folder_is_one_line(docker_engine, faults, small_disk):
    """ENOSPC while publishing: the run stops, saying so, nothing half done."""
    deb_base = small_disk / 'deb'
    fill(small_disk, 0)
    process = start(
        faults, '--packages-select', 'quick', '--deb-base', str(deb_base),
        '--min-free-space', '0')
    output = output_of(process)
    assert process.returncode != 0
    assert 'Traceback' not in output
    errors = [
        line for line in output.splitlines()
        if 'No space left on device' in line]
    assert len(errors) == 1, output
    assert errors[0].endswith(
        f"colcon deb: cannot write the output folder '{deb_base}' "
        f"({deb_base / 'rosdep.yaml'}): No space left on device")
    assert not run_containers(docker_engine, process)
    assert not list(small_disk.rglob(f'*{TEMPORARY_SUFFIX}'))
