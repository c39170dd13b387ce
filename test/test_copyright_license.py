# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
LICENSE_LINE = '# Licensed under the Apache License, Version 2.0'
SOURCE_SUFFIXES = ('.py', '.sh')
# the prefix setup templates end up in the users' debs as their files
NOT_OURS = (ROOT / 'container' / 'workspace',)


def sources():
    for folder in ('colcon_deb', 'container', 'test', '.ci', 'bench'):
        for path in sorted((ROOT / folder).rglob('*')):
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and \
                    not any(p in path.parents for p in NOT_OURS):
                yield path
    yield ROOT / 'setup.py'
    yield ROOT / '.ci' / 'run'


@pytest.mark.linter
def test_copyright_license():
    missing = []
    for path in sources():
        if not path.exists():
            continue
        lines = path.read_text().splitlines()
        if not lines:
            continue
        has_copyright = any(line.startswith('# Copyright') for line in lines)
        if not has_copyright or LICENSE_LINE not in lines:
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, f'no copyright / license line in: {missing}'
