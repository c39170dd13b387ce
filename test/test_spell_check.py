# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
WORDS_PATH = Path(__file__).parent / 'spell_check.words'


@pytest.fixture(scope='module')
def known_words():
    return WORDS_PATH.read_text().splitlines()


def python_sources():
    paths = [ROOT / 'setup.py']
    for folder in ('bench', 'colcon_deb', 'container', 'test'):
        paths += sorted((ROOT / folder).glob('**/*.py'))
    return paths


@pytest.mark.linter
def test_spell_check(known_words):
    from scspell import Report
    from scspell import SCSPELL_BUILTIN_DICT
    from scspell import spell_check

    report = Report(known_words)
    spell_check(
        [str(p) for p in python_sources()],
        base_dicts=[SCSPELL_BUILTIN_DICT], report_only=report,
        additional_extensions=[('', 'Python')])

    unknown = sorted(report.unknown_words)
    assert not unknown, f'{len(unknown)} unknown words: ' + ', '.join(unknown)
    unused = sorted(set(known_words) - report.found_known_words)
    assert not unused, 'words in the list but not used: ' + ', '.join(unused)


@pytest.mark.linter
def test_spell_check_word_list_is_sorted_and_unique(known_words):
    assert known_words == sorted(set(known_words))
