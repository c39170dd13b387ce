# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The settings of a run, made from the options colcon parsed."""

from argparse import Namespace
from pathlib import Path

from colcon_deb.platforms import Platform
from colcon_deb.settings import Settings
import pytest


def options(**changes):
    """Return the namespace of `colcon deb`, its defaults changed."""
    values = {
        'ros_distro': 'humble', 'install_prefix': None, 'base_image': None,
        'deb_base': 'deb', 'deb_revision': None,
        'deb_version_suffix': 'source-time', 'run_tests': False,
        'no_dbgsym': False,
        'rosdep_command': 'rosdep', 'rosdep_source': [],
        'cache': 'conservative', 'cache_dir': None, 'docker_host': [],
        'platform': None,
        'continue_on_error': False, 'package_timeout': None,
        'retries': None, 'retry_delay': None, 'memory': None, 'cpus': None,
        'min_free_space': '2G', 'wait_for_lock': False, 'sign_key': None,
        'ccache': None, 'ccache_max_size': None}
    values.update(changes)
    return Namespace(**values)


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'xdg'))
    settings = Settings.from_args(options())
    assert settings.ros_distro == 'humble'
    assert settings.prefix == '/opt/ros/humble'
    assert settings.base_image == 'ros:humble-ros-base'
    assert settings.deb_base == tmp_path / 'deb'
    assert settings.deb_base.is_absolute()
    assert settings.cache_dir == tmp_path / 'xdg' / 'colcon-deb'
    assert settings.min_free_space == 2 << 30
    assert settings.rosdep_sources == ()
    assert settings.docker_hosts == ()
    assert settings.dbgsym
    assert settings.platforms == ()
    assert settings.ccache is None
    # None from argparse: what mixins and defaults files may set
    assert settings.revision == 0
    assert settings.retries == 0
    assert settings.retry_delay == 5.0
    # making the settings creates nothing
    assert list(tmp_path.iterdir()) == []


def test_given_values(tmp_path):
    rules = tmp_path / 'rules.yaml'
    rules.write_text('{}\n')
    settings = Settings.from_args(options(
        ros_distro='jazzy', install_prefix='/opt/mine',
        base_image='debian:bookworm', deb_base=str(tmp_path / 'out'),
        deb_revision=2, deb_version_suffix='none', run_tests=True,
        no_dbgsym=True, rosdep_command='agirosdep',
        rosdep_source=[str(rules)], cache='aggressive',
        cache_dir=str(tmp_path / 'shared'),
        docker_host=['ssh://build1=8', 'tcp://build2:2376'],
        platform=['linux/amd64', 'arm64=arm64v8/debian:bookworm'],
        continue_on_error=True, package_timeout=600.0, retries=2,
        retry_delay=0.5, memory='4g', cpus=1.5, min_free_space='500M',
        wait_for_lock=True, sign_key='0123ABCD',
        ccache=str(tmp_path / 'ccache'), ccache_max_size='1.5Gi'))
    assert settings == Settings(
        ros_distro='jazzy', prefix='/opt/mine', base_image='debian:bookworm',
        deb_base=tmp_path / 'out', revision=2, version_suffix='none',
        run_tests=True, dbgsym=False,
        rosdep_command='agirosdep', rosdep_sources=(str(rules),),
        cache='aggressive', cache_dir=tmp_path / 'shared',
        docker_hosts=('ssh://build1=8', 'tcp://build2:2376'),
        platforms=(
            Platform('linux/amd64'),
            Platform('linux/arm64', 'arm64v8/debian:bookworm')),
        continue_on_error=True, package_timeout=600.0, retries=2,
        retry_delay=0.5, memory='4g', cpus=1.5, min_free_space=500 << 20,
        wait_for_lock=True, sign_key='0123ABCD',
        ccache=tmp_path / 'ccache', ccache_max_size='1.5Gi')
    assert isinstance(settings.cache_dir, Path)
    # the compiler cache folder is made when a run starts
    assert not (tmp_path / 'ccache').exists()


def test_relative_deb_base_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_args(options(deb_base='out/../debs'))
    assert settings.deb_base == tmp_path / 'debs'


@pytest.mark.parametrize('changes, message', [
    ({'ros_distro': None}, '--ros-distro'),
    ({'ros_distro': ''}, '--ros-distro'),
    ({'rosdep_source': ['/no/such/rules.yaml']},
     "--rosdep-source '/no/such/rules.yaml' is no file"),
    ({'min_free_space': 'plenty'},
     "--min-free-space: 'plenty' is no size like 500M or 2G"),
    ({'retries': -1}, '--retries'),
    ({'package_timeout': -5.0}, '--package-timeout cannot be negative'),
    ({'retry_delay': -1.0}, '--retry-delay cannot be negative'),
    ({'cpus': 0.0}, '--cpus must be more than 0'),
    ({'memory': 'abc'}, "--memory 'abc' is no size like 512m or 4g"),
    ({'memory': '0'}, "--memory '0' is no size"),
    ({'deb_revision': -1}, '--deb-revision'),
    ({'docker_host': ['build 1']}, "--docker-host 'build 1' is no engine"),
    ({'docker_host': ['tcp://a:2375=0']}, 'JOBS must be >= 1'),
    ({'docker_host': ['tcp://a:2375', 'tcp://a:2375=2']},
     "'tcp://a:2375' is given twice"),
    ({'platform': ['linux/sparc']},
     "--platform 'linux/sparc' is no platform colcon deb builds for; one "
     'of linux/amd64, linux/386, linux/arm64'),
    ({'platform': ['linux/arm64', 'linux/arm64/v8']},
     '--platform linux/arm64 is given twice'),
    ({'platform': ['linux/arm64=']},
     "--platform 'linux/arm64=' names no base image"),
    ({'ccache': __file__}, f"--ccache '{__file__}' is no folder"),
    ({'ccache': '/tmp', 'ccache_max_size': '5g'},
     "--ccache-max-size '5g' is no size like 500M or 20G"),
    ({'ccache': '/tmp', 'ccache_max_size': '20 G'},
     "--ccache-max-size '20 G' is no size"),
    ({'ccache_max_size': '20G'}, '--ccache-max-size needs --ccache DIR'),
])
def test_bad_option(changes, message):
    with pytest.raises(RuntimeError) as e:
        Settings.from_args(options(**changes))
    assert message in str(e.value)
    assert '\n' not in str(e.value)


def test_docker_host_given_twice_names_the_option_once():
    with pytest.raises(RuntimeError) as e:
        Settings.from_args(options(docker_host=['tcp://a', 'tcp://a=2']))
    assert str(e.value).count('--docker-host') == 1


def test_rosdep_source_folder_is_no_file(tmp_path):
    with pytest.raises(RuntimeError, match='--rosdep-source .* is no file'):
        Settings.from_args(options(rosdep_source=[str(tmp_path)]))


def test_settings_are_frozen():
    settings = Settings.from_args(options())
    with pytest.raises(AttributeError):
        settings.retries = 3


def test_the_cache_is_in_the_user_s_cache_folder(tmp_path, monkeypatch):
    """Not in the output folder, which users publish."""
    monkeypatch.delenv('XDG_CACHE_HOME', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    assert Settings.from_args(options()).cache_dir == \
        tmp_path / '.cache' / 'colcon-deb'
