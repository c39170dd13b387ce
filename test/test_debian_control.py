# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from email.utils import parseaddr
import shutil
import subprocess

from catkin_pkg.package import Package
from catkin_pkg.package import parse_package_string
from catkin_pkg.package import Person
from colcon_deb.debian.control import control_paragraph
from colcon_deb.debian.control import description_field
from colcon_deb.debian.control import maintainer_field
from debian.deb822 import Deb822
import pytest


def package(description='A package.', people='', urls=''):
    people = people or '<maintainer email="m@example.org">M</maintainer>'
    return parse_package_string(f"""<?xml version="1.0"?>
<package format="3">
  <name>my_pkg</name>
  <version>1.2.3</version>
  <description>{description}</description>
  {people}
  <license>Apache-2.0</license>
  {urls}
</package>""")


def maintainers(*people):
    return Package(name='my_pkg', maintainers=list(people))


def test_maintainer_simple():
    assert maintainer_field(package()) == 'M <m@example.org>'


def test_maintainer_is_the_first_one():
    pkg = package(people="""
        <maintainer email="first@example.org">First</maintainer>
        <maintainer email="second@example.org">Second</maintainer>""")
    assert maintainer_field(pkg) == 'First <first@example.org>'


def test_maintainer_non_ascii_and_whitespace():
    pkg = package(people="""<maintainer email="jose@example.org">
        José   Müller-Ñúñez
        </maintainer>""")
    assert maintainer_field(pkg) == 'José Müller-Ñúñez <jose@example.org>'


def test_maintainer_with_comma_is_quoted():
    pkg = package(people="""
        <maintainer email="doe@example.org">Doe,
          Jane</maintainer>""")
    field = maintainer_field(pkg)
    assert field == '"Doe, Jane" <doe@example.org>'
    assert parseaddr(field) == ('Doe, Jane', 'doe@example.org')


def test_maintainer_with_parentheses_is_kept():
    pkg = package(people="""<maintainer email="j@example.org">
        Jane Doe (ACME Corp.)</maintainer>""")
    assert maintainer_field(pkg) == 'Jane Doe (ACME Corp.) <j@example.org>'


def test_maintainer_drops_characters_that_break_the_field():
    pkg = maintainers(Person('Jane "JD" <Doe>', 'j@example.org'))
    assert maintainer_field(pkg) == 'Jane JD Doe <j@example.org>'


def test_maintainer_email_is_trimmed():
    pkg = maintainers(Person('Jane', ' <j@example.org>\n '))
    assert maintainer_field(pkg) == 'Jane <j@example.org>'


def test_maintainer_without_email_takes_the_next_with_one():
    pkg = maintainers(Person('No Mail'), Person('Mail', 'mail@example.org'))
    assert maintainer_field(pkg) == 'Mail <mail@example.org>'


def test_maintainer_without_any_email():
    pkg = maintainers(Person('No Mail', ''), Person('None Either'))
    assert maintainer_field(pkg) == 'No Mail <nobody@invalid>'


def test_maintainer_without_maintainers():
    assert maintainer_field(maintainers()) == 'Unknown <nobody@invalid>'


def test_description_single_short_sentence():
    assert description_field(package('  A small package.\n ')) == (
        'A small package')


def test_description_without_period():
    assert description_field(package('Does things')) == 'Does things'


def test_description_two_sentences():
    assert description_field(package(
        'Does things. And more things.')) == (
        'Does things\n Does things. And more things.')


def test_description_multi_line_with_paragraphs():
    pkg = package("""
        First sentence here. It goes
        on over several
           indented lines.

        A second paragraph.
        """)
    field = description_field(pkg)
    assert field == (
        'First sentence here\n'
        ' First sentence here. It goes on over several indented lines.\n'
        ' .\n'
        ' A second paragraph.')
    assert Deb822(f'Description: {field}\n')['Description'] == field


def test_description_markup_is_dropped():
    pkg = package(
        'A <b>bold</b> &amp; <a href="http://x.org">linked</a> package.'
        '<p>More <i>text</i>.</p><ul><li>one</li><li>two &lt;3</li></ul>')
    assert description_field(pkg) == (
        'A bold & linked package\n'
        ' A bold & linked package.\n .\n More text.\n .\n one\n .\n'
        ' two <3')


def test_description_long_first_sentence_is_cut_at_a_word():
    sentence = ' '.join(['words'] * 30) + ' end.'
    field = description_field(package(sentence))
    synopsis, *extended = field.split('\n')
    assert len(synopsis) <= 80
    assert synopsis == ' '.join(['words'] * 13)
    assert extended, 'the full sentence must be kept'
    assert ' '.join(line.strip() for line in extended) == sentence
    assert all(len(line) <= 79 and line.startswith(' ') for line in extended)


def test_description_very_long_word():
    word = 'x' * 100
    synopsis = description_field(package(word)).split('\n')[0]
    assert synopsis == 'x' * 80


def test_description_of_only_markup_falls_back_to_the_name():
    assert description_field(package('<b> </b>')) == 'my_pkg'


def control(pkg=None, **kwargs):
    arguments = {
        'package': pkg or package(
            'A package. With details.',
            urls='<url type="repository">https://git.example.org</url>'
                 '<url type="website">https://example.org</url>'),
        'deb_name': 'ros-humble-my-pkg', 'version': '1.2.3-0bookworm',
        'architecture': 'amd64',
        'depends': ['ros-humble-foo (>= 1.0)', '', 'libc6'],
    }
    arguments.update(kwargs)
    return control_paragraph(**arguments)


def test_control_paragraph_fields_in_order():
    paragraph = control()
    assert list(paragraph.keys()) == [
        'Package', 'Version', 'Architecture', 'Maintainer', 'Depends',
        'Section', 'Priority', 'Homepage', 'Description']
    assert paragraph['Package'] == 'ros-humble-my-pkg'
    assert paragraph['Version'] == '1.2.3-0bookworm'
    assert paragraph['Architecture'] == 'amd64'
    assert paragraph['Maintainer'] == 'M <m@example.org>'
    assert paragraph['Depends'] == 'ros-humble-foo (>= 1.0), libc6'
    assert paragraph['Section'] == 'misc'
    assert paragraph['Priority'] == 'optional'
    assert paragraph['Homepage'] == 'https://example.org'
    assert paragraph['Description'] == (
        'A package\n A package. With details.')


def test_control_paragraph_without_depends_or_url():
    paragraph = control(package(), depends=[''], section='devel')
    assert 'Depends' not in paragraph
    assert 'Homepage' not in paragraph
    assert paragraph['Section'] == 'devel'


def test_control_paragraph_conflicts_and_replaces():
    paragraph = control(
        conflicts=['ros-humble-old (<< 2.0)', ''], replaces=['ros-humble-old'])
    assert list(paragraph.keys())[4:7] == ['Depends', 'Conflicts', 'Replaces']
    assert paragraph['Conflicts'] == 'ros-humble-old (<< 2.0)'
    assert paragraph['Replaces'] == 'ros-humble-old'
    assert 'Conflicts' not in control() and 'Replaces' not in control()


def test_control_paragraph_homepage():
    assert control(homepage='https://h.org')['Homepage'] == 'https://h.org'
    pkg = package(urls='<url type="bugtracker">https://bugs.org</url>')
    assert control(pkg)['Homepage'] == 'https://bugs.org'


@pytest.mark.parametrize('arguments, message', [
    ({'deb_name': 'ros_humble'}, "contains '_'"),
    ({'version': 'v1'}, 'must start with a digit'),
])
def test_control_paragraph_checks_name_and_version(arguments, message):
    with pytest.raises(ValueError, match=message):
        control(**arguments)


@pytest.mark.skipif(not shutil.which('dpkg-deb'), reason='needs dpkg-deb')
def test_dpkg_deb_builds_and_reads_the_control(tmp_path):
    pkg = package(
        'Ein <b>Paket</b> für alles, mit einer sehr langen Beschreibung, '
        'die nicht in eine Zeile passt und daher umbrochen wird. '
        '<p>Zweiter Absatz.</p>',
        people='<maintainer email="a@example.org">Ä, B</maintainer>')
    paragraph = control(pkg)
    root = tmp_path / 'root'
    (root / 'DEBIAN').mkdir(parents=True)
    (root / 'DEBIAN' / 'control').write_bytes(paragraph.dump().encode())
    deb = tmp_path / 'x.deb'
    subprocess.run(
        ['dpkg-deb', '--build', '--root-owner-group', str(root), str(deb)],
        check=True, capture_output=True)
    for field in ('Maintainer', 'Depends', 'Description'):
        shown = subprocess.run(
            ['dpkg-deb', '--field', str(deb), field], check=True,
            capture_output=True, text=True).stdout
        assert shown.rstrip('\n') == paragraph[field]
