# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

import logging
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.flake8
@pytest.mark.linter
def test_flake8():
    from flake8.api.legacy import get_style_guide

    # keep flake8's and pydocstyle's own chatter out of the test output
    logging.getLogger('flake8').setLevel(logging.ERROR)
    logging.getLogger('pydocstyle').setLevel(logging.WARNING)

    # modules and packages need no docstring; tests need none at all
    code_style = get_style_guide(
        extend_ignore=['D100', 'D104'], show_source=True)
    test_style = get_style_guide(
        extend_ignore=[f'D10{n}' for n in range(8)], show_source=True)

    code_report = code_style.check_files([
        str(ROOT / 'colcon_deb'), str(ROOT / 'container'),
        str(ROOT / 'bench'), str(ROOT / 'setup.py')])
    test_report = test_style.check_files([str(ROOT / 'test')])

    total = code_report.total_errors + test_report.total_errors
    assert not total, f'flake8 reported {total} errors'
