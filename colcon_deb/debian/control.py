# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The fields of a binary package's DEBIAN/control, from a package.xml."""

import html
import re
import textwrap

from colcon_deb.debian.names import check_deb_name
from colcon_deb.debian.names import check_deb_version
from debian.deb822 import Deb822

# Debian requires an email in Maintainer; an address in the reserved
# .invalid domain says plainly that there is none, instead of guessing one.
NO_EMAIL = 'nobody@invalid'
NO_NAME = 'Unknown'
SYNOPSIS_LENGTH = 80
DESCRIPTION_WIDTH = 79

# Tags that start a new block of text in the HTML people write in
# package.xml descriptions; every other tag is dropped, keeping its text.
_BLOCK_TAG = re.compile(
    r'<\s*/?\s*(?:p|br|div|li|ul|ol|h[1-6]|pre|table|tr)\b[^>]*>', re.I)
_TAG = re.compile(r'<[^>]*>')
_PARAGRAPH_BREAK = re.compile(r'\n\s*\n')
_SENTENCE_END = re.compile(r'[.!?](?=\s)')
# Characters that would end the name part of `Name <email>` early.
_NAME_BREAKERS = re.compile(r'[<>"]')


def maintainer_field(pkg) -> str:
    """
    Return the Maintainer field: the first maintainer, `Name <email>`.

    Whitespace and line breaks in the name are collapsed, and the `<`,
    `>` and `"` that would make the field unparsable are dropped. A name
    with a comma is quoted (`"Doe, Jane" <jane@example.org>`, RFC 5322),
    or address parsers, and tools that read it like the comma-separated
    Uploaders, split it in two. Non-ASCII is kept: control is UTF-8.

    Debian requires an email: when the first maintainer has none, the
    first maintainer that has one is used, so the field names someone
    reachable; when nobody has one, the first maintainer's name gets
    `nobody@invalid`.
    """
    maintainers = list(pkg.maintainers)
    with_email = [m for m in maintainers if _clean_email(m.email)]
    chosen = (with_email or maintainers or [None])[0]
    name = _clean_name(chosen.name if chosen else '') or NO_NAME
    if ',' in name:
        name = f'"{name}"'
    email = _clean_email(chosen.email if chosen else None) or NO_EMAIL
    return f'{name} <{email}>'


def description_field(pkg) -> str:
    """
    Return the Description field: a synopsis line, then the long text.

    The synopsis is the first sentence of the package.xml description
    without its final period, cut at a word boundary to at most 80
    characters, as Debian asks. The extended part is the whole
    description as text: markup dropped, each paragraph wrapped, blank
    lines as ` .`. A description that is one short sentence has no
    extended part, since it would only repeat the synopsis.
    """
    paragraphs = _paragraphs(pkg.description or '') or [pkg.name]
    synopsis = _synopsis(paragraphs[0])
    if len(paragraphs) == 1 and paragraphs[0].rstrip('.') == synopsis:
        return synopsis
    lines = []
    for paragraph in paragraphs:
        if lines:
            lines.append(' .')
        lines += textwrap.wrap(
            paragraph, DESCRIPTION_WIDTH, initial_indent=' ',
            subsequent_indent=' ', break_long_words=False,
            break_on_hyphens=False)
    return '\n'.join([synopsis] + lines)


def control_paragraph(
    *, package, deb_name: str, version: str, architecture: str,
    depends: list, conflicts: list = (), replaces: list = (),
    section: str = 'misc', priority: str = 'optional', homepage: str = None,
) -> Deb822:
    """
    Return the DEBIAN/control paragraph of a package's deb.

    Fields come in the order dpkg and bloom write them. Installed-Size is
    left to whoever has the staged files. Homepage defaults to the first
    `<url type="website">` of the package.xml, else its first url.

    :param depends: Debian relations, e.g. from
      :func:`colcon_deb.debian.dependencies.relation`; empty ones are
      skipped and no Depends field is written when none is left
    :param conflicts: the same for Conflicts
    :param replaces: the same for Replaces
    :raises ValueError: if the name or version breaks Debian policy
    """
    check_deb_name(deb_name)
    check_deb_version(version)
    fields = [
        ('Package', deb_name),
        ('Version', version),
        ('Architecture', architecture),
        ('Maintainer', maintainer_field(package)),
        ('Depends', ', '.join(d for d in depends if d)),
        ('Conflicts', ', '.join(d for d in conflicts if d)),
        ('Replaces', ', '.join(d for d in replaces if d)),
        ('Section', section),
        ('Priority', priority),
        ('Homepage', homepage or _homepage(package)),
        ('Description', description_field(package)),
    ]
    paragraph = Deb822()
    for key, value in fields:
        if value:
            paragraph[key] = value
    return paragraph


def _clean_name(name):
    """Collapse whitespace and drop characters that end the name early."""
    return ' '.join(_NAME_BREAKERS.sub('', name or '').split())


def _clean_email(email):
    """Strip what XML indentation and angle brackets leave in an email."""
    return ''.join((email or '').split()).strip('<>')


def _homepage(pkg):
    """Prefer the website among the package's urls."""
    urls = [url for url in pkg.urls if url.url]
    websites = [url for url in urls if url.type == 'website']
    return next((url.url for url in websites + urls), None)


def _paragraphs(description):
    """Return the paragraphs of a description as single lines of text."""
    text = _TAG.sub('', _BLOCK_TAG.sub('\n\n', description))
    text = html.unescape(text)
    return [
        ' '.join(block.split())
        for block in _PARAGRAPH_BREAK.split(text) if block.strip()]


def _synopsis(paragraph):
    """Return the first sentence, short enough for a synopsis line."""
    end = _SENTENCE_END.search(paragraph + ' ')
    sentence = paragraph[:end.start()] if end else paragraph
    sentence = sentence.rstrip('.').strip()
    if len(sentence) <= SYNOPSIS_LENGTH:
        return sentence
    cut = sentence.rfind(' ', 0, SYNOPSIS_LENGTH + 1)
    return sentence[:cut if cut > 0 else SYNOPSIS_LENGTH].rstrip(' ,;:')
