# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The `deb` verb: build Debian packages of the workspace in Docker."""

from collections import OrderedDict
from contextlib import contextmanager
from functools import partial
import logging
import os
from pathlib import Path
import signal
import sys
import threading
import traceback
import uuid

from colcon_core.argument_default import wrap_default_value
from colcon_core.argument_type import get_cwd_path_resolver
from colcon_core.event.job import JobSkipped
from colcon_core.event.job import JobUnselected
from colcon_core.event_handler import add_event_handler_arguments
from colcon_core.event_reactor import create_event_reactor
from colcon_core.executor import add_executor_arguments
from colcon_core.executor import Job
from colcon_core.executor import OnError
from colcon_core.executor import select_executor_extension
from colcon_core.logging import colcon_logger
from colcon_core.package_identification import logger \
    as identification_logger
from colcon_core.package_selection import add_arguments \
    as add_packages_arguments
from colcon_core.package_selection import get_packages
from colcon_core.plugin_system import satisfies_version
from colcon_core.subprocess import new_event_loop
from colcon_core.task import TaskContext
from colcon_core.verb import VerbExtensionPoint
from colcon_deb.cache import DebCache
from colcon_deb.cache import STRATEGIES
from colcon_deb.cache.keys import package_keys
from colcon_deb.cache.states import cache_states
from colcon_deb.compiler_cache import prepare_folder
from colcon_deb.container.contract import ARCHITECTURE_PLACEHOLDER
from colcon_deb.debian.control import control_paragraph
from colcon_deb.debian.dependencies import relation
from colcon_deb.debian.names import deb_name
from colcon_deb.debian.policy_files import changelog_file
from colcon_deb.debian.prefix_setup import depends_on_prefix_setup
from colcon_deb.debian.prefix_setup import prefix_setup_name
from colcon_deb.dependency_resolution import resolve
from colcon_deb.dependency_resolution import workspace_rosdep_rules
from colcon_deb.docker.builder_image import ensure_builder_image
from colcon_deb.docker.builder_image import share_builder_image
from colcon_deb.docker.dependency_image import DependencyImages
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import RUN_LABEL
from colcon_deb.docker.engine_pool import check_engines
from colcon_deb.docker.engine_pool import docker_engines
from colcon_deb.docker.engine_pool import EnginePool
from colcon_deb.docker.stale_runs import remove_stale_runs
from colcon_deb.docker.stale_runs import run_labels
from colcon_deb.event import BUILDING
from colcon_deb.event import DISCOVERING
from colcon_deb.event import PLANNING
from colcon_deb.event import RESOLVING_DEPENDENCIES
from colcon_deb.event import RunEngines
from colcon_deb.event import RunPhase
from colcon_deb.output_folder import check_free_space
from colcon_deb.output_folder import locked_output_folder
from colcon_deb.plan import check_conditions
from colcon_deb.plan import format_plan
from colcon_deb.plan import guess_codename
from colcon_deb.plan import make_plan
from colcon_deb.plan import PlanError
from colcon_deb.plan import read_package_xml
from colcon_deb.platforms import emulation_problem
from colcon_deb.platforms import Platform
from colcon_deb.platforms import platform_of_machine
from colcon_deb.repository import Repository
from colcon_deb.run import Run
from colcon_deb.settings import DEFAULTS
from colcon_deb.settings import Settings
from colcon_deb.settings import VERSION_SUFFIXES
from colcon_deb.signing import Signer
from colcon_deb.task import add_build_type_arguments
from colcon_deb.task import get_build_type_task
from colcon_deb.task import package_options
from colcon_deb.work_folder import run_work_folder
import yaml

logger = colcon_logger.getChild(__name__)


class DebPackageArguments:
    """What the job of one package needs to build its deb."""

    def __init__(  # noqa: D107
        self, *, identifier, planned, options, run, cache_key, cached,
        source_date_epoch, control, copyright_text, changelog, install,
        workspace_dependencies,
        ros_version,
    ):
        # the job's: the package's name, with the platform's architecture
        # when the run builds for several
        self.identifier = identifier
        self.path = str(planned.path.resolve())
        self.deb_name = planned.deb_name
        # the deb of its debug symbols, made when it has binaries
        self.dbgsym_name = planned.dbgsym_name
        # what its build type reads: colcon_deb.task.PackageOptions
        self.options = options
        self.run = run
        self.cache_key = cache_key
        # its cached debs, looked up once when the jobs are made; None on
        # a miss
        self.cached = cached
        self.source_date_epoch = source_date_epoch
        # the control paragraph, the Architecture left to the container
        self.control = control
        # /usr/share/doc/<deb name>/copyright; a function that returns the
        # debian/changelog, read only when the deb is built
        self.copyright_text = copyright_text
        self.changelog = changelog
        # the system packages it builds with; the deb names of the
        # workspace packages it needs
        self.install = install
        self.workspace_dependencies = workspace_dependencies
        self.ros_version = ros_version


class DebVerb(VerbExtensionPoint):
    """Build a Debian package of each package in Docker, as an APT repo."""

    def __init__(self):  # noqa: D107
        super().__init__()
        satisfies_version(VerbExtensionPoint.EXTENSION_POINT_VERSION, '^1.0')

    def add_arguments(self, *, parser):  # noqa: D102
        parser.add_argument(
            '--deb-base', default=wrap_default_value('deb'),
            type=get_cwd_path_resolver(),
            help='The output folder, an APT repository (default: '
                 '%(default)s)')
        parser.add_argument(
            '--base-image',
            help='The image the builder image starts from (default: '
                 'ros:<distro>-ros-base)')
        parser.add_argument(
            '--ros-distro', default=os.environ.get('ROS_DISTRO'),
            help='The ROS distribution to build for (default: $ROS_DISTRO)')
        parser.add_argument(
            '--install-prefix',
            help='The prefix the debs install to (default: '
                 '/opt/ros/<distro>)')
        parser.add_argument(
            '--rosdep-source', action='append', default=[], metavar='FILE',
            type=get_cwd_path_resolver(),
            help='A rosdep rule file (YAML) consulted before the default '
                 'sources (repeatable)')
        parser.add_argument(
            '--rosdep-command', default='rosdep',
            help='The rosdep command in the builder image, e.g. agirosdep '
                 '(default: %(default)s)')
        parser.add_argument(
            '--deb-revision', type=int, metavar='N',
            help='The Debian revision: <version>-<N><codename> (default: '
                 f'{DEFAULTS["deb_revision"]})')
        parser.add_argument(
            '--deb-version-suffix', choices=VERSION_SUFFIXES,
            default=VERSION_SUFFIXES[0],
            help='How versions end: source-time appends the time of the '
                 'newest source file of the package and its workspace '
                 'dependencies (.YYYYMMDD.HHMMSS, UTC), so that a rebuild '
                 'is an upgrade; none appends nothing (default: '
                 '%(default)s)')
        parser.add_argument(
            '--run-tests', action='store_true',
            help='Build and run the tests of each package; a failing test '
                 'fails the package')
        parser.add_argument(
            '--no-dbgsym', action='store_true',
            help='Publish no <deb>-dbgsym debs of debug symbols; the '
                 'binaries in the debs are stripped all the same')
        parser.add_argument(
            '--docker-host', action='append', default=[],
            metavar='URL[=JOBS]',
            help='A Docker engine to build on (URL or Docker context), e.g. '
                 'ssh://builder=8 for eight packages at once (default: one '
                 'per CPU of its host); '
                 'repeat it to build on several engines at once (default: '
                 'the engine of DOCKER_HOST or the local socket)')
        parser.add_argument(
            '--platform', action='append', metavar='PLATFORM[=IMAGE]',
            help='A platform to build every package for, as Docker names '
                 'it (linux/amd64, linux/arm64, linux/arm/v7), optionally '
                 'with a base image of its own; repeatable (default: the '
                 "Docker engine's own); a platform no engine runs natively "
                 'is emulated with QEMU')
        parser.add_argument(
            '--continue-on-error', action='store_true',
            help='Continue with the other packages when one fails (the '
                 'packages depending on it are skipped)')
        parser.add_argument(
            '--package-timeout', type=float, metavar='SECONDS',
            help='Stop a package that takes longer (each attempt)')
        parser.add_argument(
            '--retries', type=int, metavar='N',
            help='Try a package again up to N times after a timeout or an '
                 'infrastructure failure, never after a build error '
                 f'(default: {DEFAULTS["retries"]})')
        parser.add_argument(
            '--retry-delay', type=float, metavar='SECONDS',
            help='Wait before trying again (default: '
                 f'{DEFAULTS["retry_delay"]:g})')
        parser.add_argument(
            '--memory', metavar='SIZE',
            help='Memory limit of each container, e.g. 4g')
        parser.add_argument(
            '--cpus', type=float, metavar='N',
            help='CPU limit of each container, e.g. 1.5')
        parser.add_argument(
            '--min-free-space', default='2G', metavar='SIZE',
            help='Refuse to start with less free disk space in the output '
                 "folder or Docker's data folder (default: %(default)s)")
        parser.add_argument(
            '--wait-for-lock', action='store_true',
            help='Wait for another run on the same output folder to end '
                 'instead of failing')
        parser.add_argument(
            '--sign-key', metavar='KEY',
            help='Sign the repository with this key of your GnuPG keyring '
                 '(key ID or fingerprint; GNUPGHOME is honoured): '
                 'InRelease, Release.gpg and the public key for signed-by=')
        parser.add_argument(
            '--cache', choices=STRATEGIES, default='conservative',
            help='Reuse the deb of an unchanged package: none (always '
                 'build), conservative (when nothing it is made from '
                 'changed, its dependencies included) or aggressive (also '
                 'when only its dependencies changed: faster, less safe) '
                 '(default: %(default)s)')
        parser.add_argument(
            '--cache-dir', metavar='DIR', type=get_cwd_path_resolver(),
            help='Where the cached debs are kept; workspaces may share it '
                 '(default: $XDG_CACHE_HOME/colcon-deb, else '
                 '~/.cache/colcon-deb)')
        parser.add_argument(
            '--ccache', metavar='DIR', type=get_cwd_path_resolver(),
            help='Compile C and C++ through ccache with this folder, shared '
                 'by all builds and runs, so that a rebuild compiles only '
                 'what changed; the debs are the same')
        parser.add_argument(
            '--ccache-max-size', metavar='SIZE',
            help="The size limit of the --ccache folder, ccache's max_size, "
                 "e.g. 20G (default: ccache's)")
        parser.add_argument(
            '--dry-run', action='store_true',
            help='Print the plan (build order, levels, deb names and '
                 'versions) and build nothing')
        add_executor_arguments(parser)
        add_event_handler_arguments(parser)
        add_packages_arguments(parser)
        self.task_argument_destinations = add_build_type_arguments(parser)

    def main(self, *, context):  # noqa: D102
        args = context.args
        settings = Settings.from_args(args)

        phases = [RunPhase(DISCOVERING)]
        destinations = self.task_argument_destinations
        decorators = discover_packages(args, destinations)
        check_supported_types(decorators, settings.ros_distro)
        phases.append(RunPhase(PLANNING))
        plan = make_plan(
            decorators, ros_distro=settings.ros_distro,
            prefix=settings.prefix, revision=settings.revision,
            with_tests=settings.run_tests,
            version_suffix=settings.version_suffix, dbgsym=settings.dbgsym)
        options = package_options(args, settings, plan, destinations)
        cache = DebCache(settings.cache_dir, settings.cache)
        if args.dry_run:
            print('\n'.join(format_plan(
                plan, guess_codename(settings.base_image),
                platform_cache_states(plan, settings, options, cache))))
            return 0
        if not plan.packages:
            print('No packages selected')
            return 0

        signer = Signer(settings.sign_key) if settings.sign_key else None
        if signer:
            signer.check()
        pool = EnginePool(check_engines(
            docker_engines(settings.docker_hosts),
            keep_going=settings.continue_on_error))
        use_capacity(args, pool)
        if settings.ccache:
            prepare_ccache(settings.ccache, pool)
        platforms = platform_engines(settings, pool)
        deb_base = settings.deb_base
        run_id = uuid.uuid4().hex[:12]
        with locked_output_folder(deb_base, wait=settings.wait_for_lock), \
                run_work_folder(settings.cache_dir, run_id) as work_dir:
            check_free_space(
                [('output folder', deb_base),
                 ('cache folder', settings.cache_dir)] + [
                    ("Docker's data", engine.data_root())
                    for engine in pool.engines if engine.is_local],
                settings.min_free_space)
            for engine in pool.engines:
                remove_stale_runs(engine)
            labels = run_labels(run_id)
            stop = threading.Event()
            # one object for the run: it keeps what robots last fetched
            repository = Repository(deb_base, signer)
            with stop_on_signals(stop):
                try:
                    rc = build_debs(
                        context, settings, plan, decorators, phases,
                        pool=pool, platforms=platforms, cache=cache,
                        repository=repository,
                        options=options, labels=labels, stop=stop,
                        work_dir=work_dir)
                finally:
                    remove_containers(pool, run_id)
            repository.write_index()
        return rc


def use_capacity(args, pool):
    """
    Let colcon's executor run as many jobs as the engines take at once.

    With engines of their own given, a run on a small host can keep many
    large build hosts busy.
    """
    capacity = pool.capacity()
    workers = getattr(args, 'parallel_workers', None)
    if capacity and workers and workers < capacity:
        logger.info(
            f'Running {capacity} jobs at once, as many as the Docker '
            f'engines take (--parallel-workers {workers})')
        args.parallel_workers = capacity


def prepare_ccache(folder, pool):
    """
    Make the compiler cache folder ready for the builds.

    It is a folder of this host: the builds on other hosts' engines do
    without it, which changes no deb.
    """
    prepare_folder(folder)
    remote = [engine.name for engine in pool.engines if not engine.is_local]
    if remote:
        logger.warning(
            f"--ccache: the builds on {', '.join(remote)} do not use the "
            'compiler cache, a folder of this host')


def platform_engines(settings, pool):
    """
    Return the engines of each platform of the run, checked.

    Without --platform, the run builds for the first engine's own.  A
    platform that local engines emulate needs QEMU registered in this
    machine's kernel: without it the run stops before anything is built,
    saying how to register it (a remote engine's host is found out when
    its first container for the platform cannot start).
    """
    platforms = settings.platforms
    if not platforms:
        machine = pool.primary.machine()
        platform = platform_of_machine(machine)
        if platform is None:
            raise RuntimeError(
                f"the Docker engine {pool.primary.name} runs on '{machine}'"
                ', a machine colcon deb knows no platform of')
        platforms = (Platform(platform.name, settings.base_image), )
    engines = []
    for platform in platforms:
        if platform.base_image is None:
            platform = Platform(platform.name, settings.base_image)
        found = pool.for_platform(platform)
        if found.emulated and any(e.is_local for e in found.engines):
            problem = emulation_problem(platform)
            if problem:
                raise RuntimeError(problem)
        engines.append(found)
    return engines


def job_identifier(name, platform, platforms):
    """
    Return the identifier of a package's job for a platform.

    A run for one platform has one job per package, named as the package;
    a run for several has one per package and platform, named
    `package@architecture`, so that each platform's builds run in
    parallel, fail and skip their dependents on their own, and are
    logged apart.
    """
    if len(platforms) == 1:
        return name
    return f'{name}@{platform.architecture}'


def remove_containers(pool, run_id):
    """Remove what is left of the run on every engine still there."""
    for engine in pool.engines:
        if engine in pool.lost:
            continue
        try:
            engine.remove_labelled({RUN_LABEL: run_id})
        except EngineError as e:
            logger.warning(f'could not clean up on {engine.name}: {e}')


def discover_packages(args, destinations):
    """
    Run colcon's discovery and selection; its errors in one line.

    A package.xml that colcon-ros cannot read (a condition that does not
    parse) makes colcon log a traceback; its first line names the folder
    and the cause, and a selected package fails the run with that cause
    (see check_supported_types).  The package metadata of the build types'
    options is kept.
    """
    first_lines = _FirstLineOnly()
    identification_logger.addFilter(first_lines)
    try:
        return get_packages(
            args, additional_argument_names=destinations,
            recursive_categories=('run', ))
    except RuntimeError as e:
        lines = [line.strip() for line in str(e).splitlines()]
        raise RuntimeError(' '.join(line for line in lines if line)) \
            from None
    finally:
        identification_logger.removeFilter(first_lines)


class _FirstLineOnly(logging.Filter):
    """Cut a logged message to its first line: no traceback."""

    def filter(self, record):  # noqa: A003, D102
        record.msg, record.args = record.getMessage().split('\n', 1)[0], ()
        return True


def build_debs(context, settings, plan, decorators, phases, *, pool,
               platforms, cache, repository, options, labels, stop,
               work_dir):
    """
    Make the builder images, resolve dependencies, build every deb.

    For each platform: its builder image, its resolution, its cache keys
    and one job per package; a job depends on the jobs of the package's
    dependencies for the same platform.
    """
    phases.append(RunPhase(RESOLVING_DEPENDENCIES))
    # every platform's image and resolution before anything is published
    prepared = [
        (engines, *prepare_platform(
            settings, plan, engines=engines, cache=cache, labels=labels,
            stop=stop, work_dir=work_dir))
        for engines in platforms]
    jobs = OrderedDict()
    for engines, image, resolution in prepared:
        platform = engines.platform
        jobs.update(platform_jobs(
            settings, plan, engines=engines, image=image,
            resolution=resolution,
            cache=cache.for_architecture(platform.architecture),
            repository=repository, options=options, labels=labels,
            stop=stop, work_dir=work_dir,
            identifier=lambda name, platform=platform: job_identifier(
                name, platform, platforms)))

    def post_run_events_and_unselected_packages(*, event_queue):
        event_queue.put((RunEngines(e.name for e in pool.engines), None))
        for phase in phases + [RunPhase(BUILDING)]:
            event_queue.put((phase, None))
        for decorator in decorators:
            if not decorator.selected:
                event_queue.put(
                    (JobUnselected(decorator.descriptor.name), None))

    on_error = OnError.skip_downstream if settings.continue_on_error \
        else OnError.interrupt
    return execute_deb_jobs(
        context, jobs, on_error=on_error,
        pre_execution_callback=post_run_events_and_unselected_packages)


def execute_deb_jobs(context, jobs, *, on_error, pre_execution_callback):
    """
    Run the jobs as colcon's `execute_jobs` does, the cached ones first.

    A job whose debs are cached, as are those of every job it depends on,
    only publishes them: these jobs run here, in build order, and colcon's
    executor gets the others.  The parallel executor looks at every
    pending job whenever one ends, so that a no-op run of 500 packages
    spent seconds in it; a job that runs here posts the same events as in
    the executor, and a failure stops or skips the jobs the executor would.
    """
    executor = select_executor_extension(context.args)
    logger.info(f"Executing jobs using '{executor.EXECUTOR_NAME}' executor")
    with create_event_reactor(context) as event_controller:
        executor.set_event_controller(event_controller)
        queue = event_controller.get_queue()
        pre_execution_callback(event_queue=queue)
        for job in jobs.values():
            job.set_event_queue(queue)
        try:
            rc, pending = run_cached_jobs(jobs, on_error)
            if pending:
                result = executor.execute(
                    context.args, pending, on_error=on_error)
                if result is signal.SIGINT or not rc:
                    rc = result
        except Exception as e:  # noqa: B902
            # as colcon's execute_jobs: the run fails, with the traceback
            logger.error(
                f"Exception in executor extension '{executor.EXECUTOR_NAME}'"
                f': {e}\n{traceback.format_exc()}')
            rc = 1
        finally:
            for job in jobs.values():
                if job.returncode is None:
                    queue.put((JobSkipped(job.identifier), job))
    return rc


def run_cached_jobs(jobs, on_error):
    """
    Run, in build order, the jobs of cached debs above cached debs only.

    A job whose debs are cached but that depends on a job that is not
    waits for that job in the executor: if it fails, the job is skipped.

    :param on_error: OnError.interrupt or OnError.skip_downstream, what
      the verb gives the executor
    :returns: the return code of the first that failed (0 when none did),
      and the jobs left for the executor, by identifier in order: after a
      failure, none with OnError.interrupt, none downstream of it with
      OnError.skip_downstream, as colcon's executor leaves them
    """
    rc = 0
    # a job's dependencies are all those it needs, recursively: a set
    # operation looks at as many as the smaller set has, most often none
    blocked, pending = set(), OrderedDict()
    loop = new_event_loop()
    try:
        for identifier, job in jobs.items():
            if job.dependencies & blocked:
                blocked.add(identifier)
                continue
            if job.task_context.args.cached is None or \
                    job.dependencies & pending.keys():
                pending[identifier] = job
                continue
            try:
                result = loop.run_until_complete(job())
            except Exception:  # noqa: B902
                # the job posted the traceback and its end
                result = 1
            if not result:
                continue
            rc = rc or result
            if on_error != OnError.skip_downstream:
                return rc, OrderedDict()
            blocked.add(identifier)
    except KeyboardInterrupt:
        return signal.SIGINT, OrderedDict()
    finally:
        loop.close()
    return rc, pending


def prepare_platform(settings, plan, *, engines, cache, labels, stop,
                     work_dir):
    """
    Make a platform's builder image and resolve its dependencies.

    :returns: the tag of the image and the resolution
    """
    platform = engines.platform
    image = ensure_builder_image(
        engines.primary, platform.base_image, platform=platform,
        labels=labels, on_line=lambda line: print(line, flush=True))
    share_builder_image(engines.engines, image)
    resolution = resolve(
        engines.primary, image, plan,
        rosdep_command=settings.rosdep_command,
        rosdep_sources=settings.rosdep_sources, work_base=work_dir,
        labels=labels, stop=stop, on_stdout=sys.stdout.buffer.write,
        on_stderr=sys.stderr.buffer.write,
        cache=None if settings.cache == 'none' else cache.folder)
    if resolution.architecture != platform.architecture:
        raise RuntimeError(
            f"the builder image of '{platform.base_image}' is for "
            f'{resolution.architecture} (`dpkg --print-architecture` in '
            f'it), not {platform.architecture} as {platform.name} needs; '
            f'give that platform an image of its own: --platform '
            f'{platform.name}=IMAGE')
    return image, resolution


def platform_jobs(settings, plan, *, engines, image, resolution, cache,
                  repository, options, labels, stop, work_dir, identifier):
    """Return the jobs of one platform, by identifier, in build order."""
    platform = engines.platform
    publish_prefix_setup(repository, plan, resolution)
    run = Run(
        settings=settings, platform=platform, engines=engines, cache=cache,
        repository=repository, image=image,
        dependency_images=DependencyImages(image), target=resolution,
        stop=stop, labels=labels, work_dir=work_dir)
    keys = package_keys(
        plan, options, image=image, resolution=resolution, cache=cache)
    cached = {name: cache.lookup(key) for name, (key, _) in keys.items()}
    published = published_versions(repository, platform.architecture)
    # a cached deb is published with the version it was built with: only
    # a deb to build needs its latest key (which lists the keys of all
    # the package's dependencies: reading them all cost a no-op run)
    suffixes = plan.version_suffixes(keys, published, {
        name: key.full if cached[name] else cache.last_full_key(name)
        for name, (key, _) in keys.items()})
    jobs = OrderedDict()
    for planned in plan.packages:
        key, newest_source = keys[planned.name]
        jobs[identifier(planned.name)] = create_job(
            planned, identifier, DebPackageArguments(
                identifier=identifier(planned.name), planned=planned,
                options=options[planned.name], run=run, cache_key=key,
                cached=cached[planned.name], source_date_epoch=newest_source,
                ros_version=plan.ros_version, **describe_deb(
                    plan, planned, resolution, suffixes[planned.name],
                    newest_source)))
    return jobs


def published_versions(repository, architecture):
    """Return {deb name: version} of an architecture's published debs."""
    return {
        name: paragraph['Version']
        for name, paragraph in repository.read_index(architecture).items()}


def platform_cache_states(plan, settings, options, cache):
    """
    Tell for each package whether its debs are cached, for a dry run.

    One platform's states as they are; several platforms' one after the
    other, each with its architecture.
    """
    platforms = settings.platforms or (None, )
    found = {}
    for platform in platforms:
        base_image = platform and platform.base_image or settings.base_image
        states = cache_states(
            plan, settings, options, cache, platform=platform,
            base_image=base_image)
        if states is None:
            return None
        found[platform] = states
    if len(platforms) == 1:
        return found[platforms[0]]
    return {
        planned.name: '; '.join(
            f'{platform.architecture} {found[platform][planned.name]}'
            for platform in platforms)
        for planned in plan.packages}


@contextmanager
def stop_on_signals(stop):
    """
    Turn SIGINT and SIGTERM into a stop of the run.

    The containers are not children of this process, so a signal does not
    reach them: the stop event makes the jobs kill them, and the
    KeyboardInterrupt lets colcon's executor end the run as on Ctrl-C.
    """
    def handler(signum, frame):
        first = not stop.is_set()
        stop.set()
        if first:
            raise KeyboardInterrupt
    previous = {
        signum: signal.signal(signum, handler)
        for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def check_supported_types(decorators, ros_distro):
    """
    Refuse a selected package that no task can turn into a deb.

    A package.xml that colcon-ros could not read makes its folder look like
    a plain CMake or Python package: then the package.xml is the cause.
    """
    for decorator in decorators:
        pkg = decorator.descriptor
        if decorator.selected and not get_build_type_task(pkg.type):
            if (Path(pkg.path) / 'package.xml').exists():
                check_conditions(read_package_xml(pkg), pkg, ros_distro)
            raise RuntimeError(
                f"package '{pkg.name}' has the build type '{pkg.type}', "
                'which colcon deb cannot package; leave it out with '
                f'--packages-skip {pkg.name}')


def publish_prefix_setup(repository, plan, resolution):
    """Publish the prefix setup deb and the workspace's rosdep rules."""
    repository.write_file(
        'rosdep.yaml', yaml.safe_dump(workspace_rosdep_rules(plan)))
    if resolution.prefix_setup_deb:
        repository.publish(resolution.prefix_setup_deb)


def describe_deb(plan, planned, resolution, suffix, epoch):
    """
    Describe the deb of one package: control, and what it builds with.

    :param suffix: what its version ends with
    :param epoch: the time of its newest source file
    :returns: the keyword arguments of DebPackageArguments that say it
    """
    version = plan.version(planned, resolution.codename, suffix)
    depends = [
        relation(d, resolved_names(plan, resolution, d.name))
        for d in planned.run_depends]
    if depends_on_prefix_setup(plan, resolution):
        depends.append(prefix_setup_name(plan))
    control = control_paragraph(
        package=planned.package, deb_name=planned.deb_name, version=version,
        architecture=ARCHITECTURE_PLACEHOLDER,
        depends=[d for d in depends if d],
        conflicts=[
            relation(d, relation_names(plan, resolution, planned, d.name))
            for d in planned.conflicts],
        replaces=[
            relation(d, relation_names(plan, resolution, planned, d.name))
            for d in planned.replaces])
    install = []
    for dependency in planned.build_depends:
        if dependency.name not in plan.workspace_deb_names:
            install += resolved_names(plan, resolution, dependency.name)
    return {
        'control': control.dump(),
        'copyright_text': planned.copyright_text,
        'changelog': partial(
            changelog_file, planned.package, planned.path,
            deb_name=planned.deb_name, version=version,
            distribution=resolution.codename, revision=plan.revision,
            epoch=epoch),
        # system packages; the workspace debs are found when the job starts
        'install': sorted(set(install)),
        'workspace_dependencies': [
            plan.workspace_deb_names[n]
            for n in planned.all_workspace_dependencies],
    }


def resolved_names(plan, resolution, key):
    """Return the debs a dependency key stands for."""
    if key in plan.workspace_deb_names:
        return [plan.workspace_deb_names[key]]
    return resolution.system_packages[key]


def relation_names(plan, resolution, planned, key):
    """
    Return the debs a key of `<conflict>` or `<replace>` stands for.

    A key rosdep does not know is taken for a ROS package, as bloom
    takes it: it may be one that is gone.
    """
    if key in plan.workspace_deb_names or key in resolution.system_packages:
        return resolved_names(plan, resolution, key)
    try:
        return [deb_name(plan.ros_distro, key)]
    except ValueError as e:
        raise PlanError(f"package '{planned.name}': {e}") from None


def create_job(planned, identifier, package_args):
    """
    Create the colcon job that builds one package's deb for a platform.

    :param identifier: a function of a package's name that returns the
      identifier of its job for the platform
    """
    extension = get_build_type_task(planned.build_type)
    dependencies = [identifier(n) for n in planned.workspace_dependencies]
    context = TaskContext(
        pkg=planned.descriptor, args=package_args,
        dependencies=OrderedDict((name, None) for name in dependencies))
    return Job(
        identifier=identifier(planned.name),
        dependencies=set(dependencies), task=extension,
        task_context=context)
