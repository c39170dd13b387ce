#!/usr/bin/env python3
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Measure colcon deb against the floor (plain colcon build) and a bloom loop.

On one generated workspace, in one run of this script, on this machine:
(a) `colcon build` of the workspace in one builder container, same
    parallelism, Release: the floor (its dependency installation is timed
    apart); (a2) the same with the compiler flags of the debs (`-g -O2`
    and hardening, which bloom's debian/rules and colcon deb use: debug
    information costs compile time);
(b) the bloom loop: for each package in build order `bloom-generate
    rosdebian`, `fakeroot debian/rules binary` and installing the deb, in
    one container;
(c) `colcon deb` cold: an empty cache, and no dependency image (the
    builder image with a package's system packages, made once per set and
    kept: see colcon_deb.docker.dependency_image) is left from an earlier
    run; its phases are summed over the packages;
(c2) cold again, with a new cache but the dependency images of (c): what a
    machine that built the workspace once sees;
(d) again with nothing changed; (e) after changing one file of one package
    in the middle of the dependency chain;
(f) with --docker-host given, `colcon deb` cold on those engines (the
    builder image is copied to them before, not timed);
(g) `colcon deb --cache none --ccache DIR` after a run like it filled a
    fresh DIR: every package built again, nothing compiled.
It prints a table with the times, the ratios of (c) and (c2) to the floors,
b/c, e/c and g/c, and the per-package overhead of colcon deb (the mean
time of a trivial package, which has nothing to compile); --markdown FILE
writes the table too.

The shapes: `chain`, `fan` and `mix` (a tree with diamonds) of C++
libraries, ament_python packages and trivial ones, which need no system
package beyond the builder image; `ament`, the mix's tree of ament_cmake
packages that each need ament_cmake and one or two system libraries whose
headers they include, as real ROS 2 packages do.

Usage: bench/compare.py [--packages 20] [--workers 2] [--shape mix]
                        [--skip-bloom] [--markdown FILE]
                        [--docker-host URL[=JOBS] ...]
"""

import argparse
import json
from pathlib import Path
import shutil
import statistics
import sys
import tempfile

from common import BASE_IMAGE
from common import colcon_deb_command
from common import DISTRO
from common import REPORT
from common import ROSDEP_RULES
from common import timed
import docker

HERE = Path(__file__).resolve().parent


def main():
    """Generate the workspace, run (a) to (g), print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument('--packages', type=int, default=20)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument(
        '--shape', choices=('chain', 'fan', 'mix', 'ament'), default='mix')
    parser.add_argument('--skip-bloom', action='store_true')
    parser.add_argument('--markdown', metavar='FILE')
    parser.add_argument('--keep', metavar='DIR', help='keep the workspace')
    parser.add_argument(
        '--docker-host', action='append', default=[], metavar='URL[=JOBS]',
        help='measure (f), a cold run on these engines')
    args = parser.parse_args()

    root = Path(args.keep or tempfile.mkdtemp(prefix='deb-bench-'))
    workspace = root / 'ws'
    packages = generate_workspace(workspace, args.packages, args.shape)
    client = docker.from_env()
    image = builder_image()

    system = sorted({
        deb for package in packages for deb in package.get('system', [])})
    results = {}
    results['a'], results['a_flags'], results['a_deps'] = floor(
        client, image, workspace, args.workers, system)
    if not args.skip_bloom:
        results['b'] = bloom_loop(client, image, workspace, packages, system)
    deb = colcon_deb_command(args.workers)
    remove_dependency_images(client, image)
    results['c'] = timed(deb, workspace)
    overhead = trivial_overhead(workspace / REPORT)
    phases = phase_sums(workspace / REPORT)
    results['c2'] = timed(
        colcon_deb_command(args.workers, cache='cache-2'), workspace)
    results['d'] = timed(deb, workspace)
    # the middle of the longest dependency chain: half-way up from the end
    middle = packages[max(1, len(packages) // 4)]
    with (workspace / middle['name'] / 'src' / 'code.cpp').open('a') as f:
        f.write('\n// changed\n')
    results['e'] = timed(deb, workspace)
    rebuilt = rebuilt_packages(workspace / REPORT)
    if args.docker_host:
        results['f'] = on_engines(workspace, image, deb, args.docker_host)
    results['g_fill'], results['g'] = with_ccache(workspace, deb, root)

    table = format_table(
        args, results, overhead, middle['name'], rebuilt, phases)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + '\n')
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


# the system libraries of the `ament` shape: rosdep key, Debian package
# (test/rosdep/system.yaml), the header a package includes, and the CMake
# that finds it when its headers are not in /usr/include
SYSTEM_LIBRARIES = (
    ('eigen', 'libeigen3-dev', 'Eigen/Core',
     'find_package(Eigen3 REQUIRED)\n'
     'target_link_libraries({name} Eigen3::Eigen)\n'),
    ('tinyxml2', 'libtinyxml2-dev', 'tinyxml2.h', ''),
    ('yaml-cpp', 'libyaml-cpp-dev', 'yaml-cpp/yaml.h', ''),
    ('console_bridge', 'libconsole-bridge-dev', 'console_bridge/console.h',
     ''),
)
# what every package of the `ament` shape needs: ament_cmake's Debian
# package (the rules of the builder image's rosdep)
AMENT_CMAKE = 'ament-cmake'


def generate_workspace(root, count, shape='mix'):
    """
    Generate a workspace, returned in a valid build order.

    C++ libraries with real compile work, ament_python packages and trivial
    ones, as a chain (each on the one before), a fan (all on the first) or
    a mix (a tree with diamonds); the `ament` shape is the mix's tree of
    ament_cmake packages, each with one or two system libraries.
    """
    packages = []
    for index in range(count):
        name = f'pkg_{index:02d}'
        depends = set()
        if index and shape == 'chain':
            depends.add(index - 1)
        elif index and shape == 'fan':
            depends.add(0)
        elif index:
            depends.add((index - 1) // 2)
            if index % 3 == 0:
                depends.add((index - 2) // 2)
        depends = [packages[i]['name'] for i in sorted(depends)]
        kind = ('trivial' if index % 5 == 4 else
                'python' if index % 5 == 2 and shape != 'ament' else 'cpp')
        package = {'name': name, 'kind': kind, 'depends': depends}
        if shape == 'ament':
            libraries = {index % 4, (index // 3) % 4} if index % 3 == 0 \
                else {index % 4}
            package['libraries'] = [
                SYSTEM_LIBRARIES[i] for i in sorted(libraries)]
            package['system'] = [AMENT_CMAKE] + [
                library[1] for library in package['libraries']]
            write_ament_package(root / name, package)
        else:
            write_package(root / name, package)
        packages.append(package)
    return packages


def write_package(folder, package):
    """Write one generated package."""
    name, kind = package['name'], package['kind']
    folder.mkdir(parents=True, exist_ok=True)
    if kind == 'python':
        write_manifest(folder, package, f'Generated {kind} package.',
                       build_type='ament_python')
    else:
        write_manifest(folder, package, f'Generated {kind} package.',
                       tool='cmake', build_type='cmake')
    if kind == 'python':
        (folder / name).mkdir(exist_ok=True)
        (folder / name / '__init__.py').write_text('VALUE = 1\n')
        (folder / 'resource').mkdir(exist_ok=True)
        (folder / 'resource' / name).write_text('')
        (folder / 'setup.py').write_text(
            'from setuptools import setup\n'
            f"setup(name='{name}', version='1.0.0', packages=['{name}'],\n"
            "      data_files=[('share/ament_index/resource_index/packages',"
            f" ['resource/{name}']), ('share/{name}', ['package.xml'])])\n")
        return
    if kind == 'trivial':
        (folder / 'CMakeLists.txt').write_text(
            f'cmake_minimum_required(VERSION 3.10)\nproject({name} NONE)\n'
            f'install(FILES package.xml DESTINATION share/{name})\n')
        return
    (folder / 'src').mkdir(exist_ok=True)
    (folder / 'src' / 'code.cpp').write_text(cpp_code(name))
    (folder / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} CXX)\n'
        f'add_library({name} SHARED src/code.cpp)\n'
        f'install(TARGETS {name} LIBRARY DESTINATION lib)\n'
        f'install(FILES package.xml DESTINATION share/{name})\n')


def write_manifest(folder, package, description, *, build_type, tool=None,
                   system=()):
    """Write package.xml: the workspace dependencies, then system keys."""
    tool = f'  <buildtool_depend>{tool}</buildtool_depend>\n' if tool else ''
    depends = ''.join(
        f'  <depend>{d}</depend>\n'
        for d in [*package['depends'], *system])
    (folder / 'package.xml').write_text(
        '<?xml version="1.0"?>\n<package format="3">\n'
        f"  <name>{package['name']}</name>\n  <version>1.0.0</version>\n"
        f'  <description>{description}</description>\n'
        '  <maintainer email="b@example.org">Bench</maintainer>\n'
        f'  <license>Apache-2.0</license>\n{tool}{depends}'
        f'  <export><build_type>{build_type}</build_type></export>\n'
        '</package>\n')


def write_ament_package(folder, package):
    """Write one package of the `ament` shape."""
    name, kind = package['name'], package['kind']
    (folder / 'src').mkdir(parents=True, exist_ok=True)
    write_manifest(
        folder, package, f'Generated ament {kind} package.',
        tool='ament_cmake', build_type='ament_cmake',
        system=[library[0] for library in package['libraries']])
    cmake = [
        'cmake_minimum_required(VERSION 3.10)',
        f"project({name}{' NONE' if kind == 'trivial' else ' CXX'})",
        'find_package(ament_cmake REQUIRED)']
    if kind != 'trivial':
        includes = ''.join(
            f'#include <{library[2]}>\n' for library in package['libraries'])
        (folder / 'src' / 'code.cpp').write_text(
            includes + cpp_code(name))
        cmake += [
            f'add_library({name} SHARED src/code.cpp)',
            *[library[3].format(name=name).strip()
              for library in package['libraries'] if library[3]],
            f'install(TARGETS {name} LIBRARY DESTINATION lib)']
    cmake.append('ament_package()')
    (folder / 'CMakeLists.txt').write_text('\n'.join(
        line for line in cmake if line) + '\n')


def cpp_code(name):
    """Return C++ code that takes a second or two to compile."""
    functions = ''.join(
        f'std::string f{i}(const std::vector<int>& v) {{\n'
        f'  std::map<int, std::string> m;\n'
        f'  for (int x : v) m[x * {i + 1}] = std::to_string(x);\n'
        f'  std::vector<std::pair<int, std::string>> s(\n'
        f'    m.begin(), m.end());\n'
        f'  std::sort(s.begin(), s.end(), [](auto& a, auto& b) {{\n'
        f'    return a.second < b.second; }});\n'
        f'  std::ostringstream o; for (auto& p : s) o << p.second;\n'
        f'  return o.str();\n}}\n'
        for i in range(25))
    return (
        '#include <algorithm>\n#include <map>\n#include <sstream>\n'
        '#include <string>\n#include <vector>\n'
        f'namespace {name} {{\n{functions}}}\n')


def builder_image():
    """Return colcon deb's builder image, made the way a run makes it."""
    from colcon_deb.docker.builder_image import ensure_builder_image
    from colcon_deb.docker.engine import DockerEngine
    return ensure_builder_image(
        DockerEngine(), BASE_IMAGE, on_line=lambda line: None)


def on_engines(workspace, image, deb, docker_hosts):
    """Measure (f): a cold run on the given engines."""
    from colcon_deb.docker.builder_image import share_builder_image
    from colcon_deb.docker.engine_pool import docker_engines
    share_builder_image(docker_engines(docker_hosts), image)
    shutil.rmtree(workspace / 'deb')
    for host in docker_hosts:
        deb = deb + ['--docker-host', host]
    return timed(deb, workspace)


def with_ccache(workspace, deb, root):
    """
    Measure (g): a rebuild of every package with a filled compiler cache.

    The first run, timed apart, fills a fresh ccache folder; the second
    builds the same again (--cache none), each object a hit.

    :returns: the seconds of both runs
    """
    ccache = deb + ['--cache', 'none', '--ccache', str(root / 'ccache')]
    return timed(ccache, workspace), timed(ccache, workspace)


def floor(client, image, workspace, workers, system):
    """
    Measure (a), plain colcon build in one container.

    Built as a developer builds (Release), then with the compiler flags of
    the debs (`-g -O2` and the distribution's hardening, as bloom's and
    colcon deb's builds): (a) and (a2), and apart the dependencies, colcon
    and the workspace's system packages.

    :returns: the seconds of (a), (a2) and the dependencies
    """
    output = run_container(
        client, image,
        ['bash', '/bench/colcon_build_floor.sh', str(workers), *system],
        {workspace: '/ws', HERE: '/bench'})
    values = dict(line.split() for line in output.splitlines()
                  if line.startswith(('deps ', 'build')))
    return (
        float(values['build']), float(values['build_deb_flags']),
        float(values['deps']))


def bloom_loop(client, image, workspace, packages, system):
    """
    Measure (b), bloom-generate and debian/rules per package.

    The workspace's system packages are installed before, not timed.
    """
    output = run_container(
        client, image,
        ['bash', '/bench/bloom_loop.sh', DISTRO, ' '.join(system)] +
        [p['name'] for p in packages],
        {workspace: '/ws', HERE: '/bench', ROSDEP_RULES: '/rosdep'})
    return float(next(
        line.split()[1] for line in output.splitlines()
        if line.startswith('loop ')))


def run_container(client, image, command, folders):
    """Run a command in a container of the builder image, with network."""
    volumes = {str(h): {'bind': c, 'mode': 'ro'} for h, c in folders.items()}
    container = client.containers.run(
        image, command, volumes=volumes, network_mode='host',
        environment={'DEBIAN_FRONTEND': 'noninteractive'}, detach=True)
    try:
        rc = container.wait()['StatusCode']
        output = container.logs().decode()
    finally:
        container.remove(force=True)
    if rc:
        sys.exit(f'benchmark container failed:\n{output[-4000:]}')
    return output


def remove_dependency_images(client, image):
    """
    Remove the dependency images of the builder image: (c) makes them.

    Only those of colcon-deb's own repository made from this builder.
    """
    from colcon_deb.docker.dependency_image import BUILDER_LABEL
    from colcon_deb.docker.dependency_image import REPOSITORY
    builder = client.images.get(image).id
    for found in client.images.list(
            name=REPOSITORY, filters={'label': f'{BUILDER_LABEL}={builder}'}):
        client.images.remove(found.id, force=True)


def phase_sums(report_path):
    """Return {phase: seconds} summed over the packages a run built."""
    report = json.loads(report_path.read_text())
    sums = {}
    for package in report['packages']:
        if package['cached']:
            continue
        for phase, seconds in package.get('phases', {}).items():
            sums[phase] = sums.get(phase, 0) + seconds
    return sums


def trivial_overhead(report_path):
    """Return the mean time of the trivial packages of a cold run."""
    report = json.loads(report_path.read_text())
    times = [
        p['duration'] for p in report['packages']
        if p['name'].endswith(('4', '9')) and not p['cached']]
    return statistics.mean(times) if times else float('nan')


def rebuilt_packages(report_path):
    """Return the packages a run built (not taken from the cache)."""
    report = json.loads(report_path.read_text())
    return sorted(p['name'] for p in report['packages'] if not p['cached'])


def format_table(args, results, overhead, changed, rebuilt, phases):
    """Return the results as a Markdown table."""
    a, c, d, e = results['a'], results['c'], results['d'], results['e']
    rows = [
        ('(a) colcon build in one container (floor), Release',
         f'{a:.1f} s'),
        ("(a2) the same with the debs' compiler flags (-g -O2, hardening)",
         f"{results['a_flags']:.1f} s"),
        ('    their dependency installation, not in (a) or (a2)',
         f"{results['a_deps']:.1f} s"),
    ]
    if 'b' in results:
        rows.append(('(b) bloom loop', f"{results['b']:.1f} s"))
    rows += [
        ('(c) colcon deb, cold', f'{c:.1f} s'),
        *[(f'    {phase}, summed over its packages', f'{seconds:.1f} s')
          for phase, seconds in phases.items()],
        ('(c2) cold, the dependency images of (c) kept',
         f"{results['c2']:.1f} s"),
        ('(d) colcon deb, nothing changed', f'{d:.1f} s'),
        (f'(e) colcon deb after changing {changed}', f'{e:.1f} s'),
        ('    packages (e) built', ', '.join(rebuilt)),
        ('c/a (target <= 1.2)', f'{c / a:.2f}'),
        ('c/a2', f"{c / results['a_flags']:.2f}"),
        ('c2/a2', f"{results['c2'] / results['a_flags']:.2f}"),
    ]
    if 'b' in results:
        rows.append(('b/c (target >= 5)', f"{results['b'] / c:.2f}"))
    if 'f' in results:
        rows += [
            (f'(f) colcon deb, cold, on {len(args.docker_host)} engines: '
             + ', '.join(args.docker_host), f"{results['f']:.1f} s"),
            ('f/c', f"{results['f'] / c:.2f}")]
    rows += [
        ('e/c', f'{e / c:.2f}'),
        ('(g) colcon deb --cache none --ccache, the ccache folder filled by '
         f"a run like it (which took {results['g_fill']:.1f} s)",
         f"{results['g']:.1f} s"),
        ('g/c (target <= 0.5)', f"{results['g'] / c:.2f}"),
        ('per-package overhead, trivial package (target <= 0.4 s)',
         f'{overhead:.2f} s'),
    ]
    lines = [
        f'{args.packages} packages ({args.shape}), '
        f'--parallel-workers {args.workers}',
        '', '| measurement | value |', '|---|---|']
    lines += [f'| {name} | {value} |' for name, value in rows]
    return '\n'.join(lines)


if __name__ == '__main__':
    sys.exit(main())
