# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A deep workspace: late packages depend, transitively, on all the others.

Package i depends on i - 1 and on i - 3: a chain with diamonds, as big
workspaces have.  Each builds a small C++ library that calls the libraries
of its two dependencies, exports it for find_package, and an executable
`<name>_value` that prints what its library returns: that number needs
every library of the package's closure, at build time and at run time.
The deep-workspace test and bench/deep.py share it.
"""


def package_names(count):
    """Return the names of a deep workspace's packages, in build order."""
    return [f'deep_{index:03d}' for index in range(count)]


def dependencies(names, index):
    """Return the names package `index` depends on."""
    return [names[i] for i in (index - 1, index - 3) if i >= 0]


def expected_value(index):
    """Return what `deep_<index>_value` prints (unsigned, so modulo 2**32)."""
    values = []
    for i in range(index + 1):
        values.append(1 + sum(values[j] for j in (i - 1, i - 3) if j >= 0))
    return values[index] % 2 ** 32


def generate_workspace(root, count):
    """Write the packages under `root`; return their names in build order."""
    names = package_names(count)
    for index, name in enumerate(names):
        write_package(root / name, name, dependencies(names, index))
    return names


def write_package(folder, name, depends, *, build_type='cmake'):
    """
    Write a CMake package whose library calls those of `depends`.

    package.xml declares `depends`; the CMake code uses them: give the two
    different lists to make a package with an undeclared dependency.
    """
    write_manifest(folder, name, depends, build_type)
    write_cmake_code(folder, name, depends)


def write_manifest(folder, name, depends, build_type='cmake'):
    """Write package.xml, declaring `depends`."""
    folder.mkdir(parents=True, exist_ok=True)
    tags = ''.join(f'  <depend>{d}</depend>\n' for d in depends)
    (folder / 'package.xml').write_text(
        '<?xml version="1.0"?>\n<package format="3">\n'
        f'  <name>{name}</name>\n  <version>1.0.0</version>\n'
        f'  <description>Generated package {name}.</description>\n'
        '  <maintainer email="g@example.org">Generated</maintainer>\n'
        f'  <license>Apache-2.0</license>\n{tags}'
        f'  <export><build_type>{build_type}</build_type></export>\n'
        '</package>\n')


def write_cmake_code(folder, name, depends):
    """Write the library, its CMake config and the executable, using them."""
    (folder / 'include' / name).mkdir(parents=True, exist_ok=True)
    (folder / 'src').mkdir(parents=True, exist_ok=True)
    finds = ''.join(f'find_package({d} REQUIRED)\n' for d in depends)
    links = ' '.join(f'{d}::{d}' for d in depends)
    (folder / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} CXX)\n'
        f'{finds}add_library({name} SHARED src/{name}.cpp)\n'
        f'target_include_directories({name} PUBLIC\n'
        '  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>\n'
        '  $<INSTALL_INTERFACE:include>)\n'
        f'target_link_libraries({name} PUBLIC {links})\n'
        f'add_executable({name}_value src/value.cpp)\n'
        f'target_link_libraries({name}_value {name})\n'
        f'install(TARGETS {name} EXPORT {name}Targets\n'
        '  LIBRARY DESTINATION lib INCLUDES DESTINATION include)\n'
        f'install(TARGETS {name}_value RUNTIME DESTINATION bin)\n'
        'install(DIRECTORY include/ DESTINATION include)\n'
        f'install(EXPORT {name}Targets NAMESPACE {name}:: '
        f'DESTINATION share/{name}/cmake)\n'
        f'install(FILES {name}Config.cmake DESTINATION share/{name}/cmake)\n')
    # included once, as ament's config files are: the diamonds would otherwise
    # load each config file a number of times growing exponentially
    found = ''.join(f'find_dependency({d})\n' for d in depends)
    (folder / f'{name}Config.cmake').write_text(
        f'if(_{name}_CONFIG_INCLUDED)\n  return()\nendif()\n'
        f'set(_{name}_CONFIG_INCLUDED TRUE)\n'
        f'include(CMakeFindDependencyMacro)\n{found}'
        f'include(${{CMAKE_CURRENT_LIST_DIR}}/{name}Targets.cmake)\n')
    (folder / 'include' / name / f'{name}.hpp').write_text(
        f'#pragma once\nunsigned {name}();\n')
    includes = ''.join(f'#include <{d}/{d}.hpp>\n' for d in depends)
    calls = ' + '.join([f'{d}()' for d in depends] + ['1'])
    (folder / 'src' / f'{name}.cpp').write_text(
        f'#include <{name}/{name}.hpp>\n{includes}'
        f'unsigned {name}() {{ return {calls}; }}\n')
    (folder / 'src' / 'value.cpp').write_text(
        f'#include <cstdio>\n#include <{name}/{name}.hpp>\n'
        f'int main() {{ std::printf("{name} %u\\n", {name}()); }}\n')
