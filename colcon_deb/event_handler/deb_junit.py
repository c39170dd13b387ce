# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The result of a `deb` run for CI: `log/latest_deb/junit.xml`.

CI systems show JUnit XML as test results: with one test case per package,
a deb that failed shows as a failed test, with the last lines of its
output.  Written when the run ends; the file is replaced as a whole::

    <testsuites tests="3" failures="1" errors="0" skipped="1" time="...">
      <testsuite name="colcon-deb" tests="3" failures="1" errors="0"
                 skipped="1" time="312.500" timestamp="2026-01-31T12:00:00">
        <testcase classname="colcon-deb" name="calc_core" time="95.200">
          <properties>                 <!-- what is known of each -->
            <property name="deb" value="ros-jazzy-calc-core_....deb"/>
            <property name="size" value="123456"/>
            <property name="cached" value="true"/>
            <property name="retry 1" value="timed out after 600 s"/>
          </properties>
          <system-out>reused a cached deb</system-out>   <!-- cached -->
        </testcase>
        <testcase classname="colcon-deb" name="calc_cli" time="20.100">
          <failure message="building failed" type="failed">the last
    lines of its output</failure>
        </testcase>
        <testcase classname="colcon-deb" name="calc_py" time="0.000">
          <skipped message="depends on calc_cli (failed)"/>
        </testcase>
      </testsuite>
    </testsuites>

A package still running when the run ended is an `<error>`; one that was
still waiting is skipped.
"""

from datetime import datetime
from datetime import timezone
import xml.etree.ElementTree as ElementTree

from colcon_deb.event_handler.run_record import CACHED
from colcon_deb.event_handler.run_record import clean_lines
from colcon_deb.event_handler.run_record import FAILED
from colcon_deb.event_handler.run_record import QUEUED
from colcon_deb.event_handler.run_record import RecordingEventHandler
from colcon_deb.event_handler.run_record import RUNNING
from colcon_deb.event_handler.run_record import SKIPPED
from colcon_deb.event_handler.run_record import write_report

JUNIT_NAME = 'junit.xml'
SUITE_NAME = 'colcon-deb'


class DebJUnitEventHandler(RecordingEventHandler):
    """Write junit.xml, a test case per package, when a deb run ends."""

    def at_end(self):  # noqa: D102
        write_report(
            self.context, JUNIT_NAME, junit_xml(self.record))


def junit_xml(record):
    """Return the JUnit XML document of an ended run."""
    root = ElementTree.Element('testsuites')
    suite = ElementTree.SubElement(root, 'testsuite', name=SUITE_NAME)
    end = record.end()
    for package in record.packages.values():
        suite.append(package_case(package, end))
    counts = {
        'tests': len(suite),
        'failures': len(suite.findall('testcase/failure')),
        'errors': len(suite.findall('testcase/error')),
        'skipped': len(suite.findall('testcase/skipped')),
    }
    elapsed = f'{record.elapsed(end):.3f}'
    started = datetime.fromtimestamp(record.start, tz=timezone.utc)
    for element in (root, suite):
        for key, value in counts.items():
            element.set(key, str(value))
        element.set('time', elapsed)
    suite.set('timestamp', started.strftime('%Y-%m-%dT%H:%M:%S'))
    if hasattr(ElementTree, 'indent'):  # Python 3.9 and later
        ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + \
        ElementTree.tostring(root, encoding='unicode') + '\n'


def package_case(package, end):
    """Return the test case of one package."""
    case = ElementTree.Element(
        'testcase', classname=SUITE_NAME, name=xml_safe(package.name),
        time=f'{package.duration(end):.3f}')
    properties = package_properties(package)
    if properties:
        element = ElementTree.SubElement(case, 'properties')
        for name, value in properties:
            ElementTree.SubElement(
                element, 'property', name=name, value=xml_safe(value))
    if package.status == FAILED:
        failure = ElementTree.SubElement(
            case, 'failure', message=xml_safe(package.reason or 'failed'),
            type='failed')
        failure.text = '\n'.join(package.tail)
    elif package.status == RUNNING:
        error = ElementTree.SubElement(
            case, 'error', message='still running when the run ended',
            type='interrupted')
        error.text = '\n'.join(package.tail)
    elif package.status in (SKIPPED, QUEUED):
        ElementTree.SubElement(
            case, 'skipped',
            message=xml_safe(package.reason or 'not built: the run ended '
                             'before it'))
    elif package.status == CACHED:
        ElementTree.SubElement(case, 'system-out').text = \
            'reused a cached deb'
    return case


def package_properties(package):
    """Return (name, value) of what is known of a package's deb."""
    properties = []
    if package.deb:
        properties += [('deb', package.deb), ('size', str(package.size))]
    if package.cached:
        properties.append(('cached', 'true'))
    # numbered by retry, not by attempt: the first retry is attempt 2
    for number, retry in enumerate(package.retries, 1):
        properties.append((f'retry {number}', retry.reason))
    return properties


def xml_safe(text):
    """Make one line of text without what XML cannot hold: escapes."""
    return ' '.join(clean_lines(str(text)))
