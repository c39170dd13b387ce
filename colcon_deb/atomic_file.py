# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Files that are replaced whole: a reader sees the old file or the new one.

Every file colcon-deb writes for others to read (debs, the index, cache
entries, reports) goes through here.  The new content is written to a
hidden temporary file beside the target
(`.<name>.<random>.colcon-deb.tmp`), synced and renamed over it.  When
writing fails, the temporary file is removed; after a crash, what is left
ends with TEMPORARY_SUFFIX, which the next run removes from the output folder
(see colcon_deb.output_folder), and only that: other files there may be the
user's.
"""

from contextlib import contextmanager
import os
from pathlib import Path
import shutil
import tempfile

TEMPORARY_SUFFIX = '.colcon-deb.tmp'
_CHUNK_SIZE = 1 << 20
# what of a name fits in a temporary name: 255 bytes less '.', '.', the
# eight random characters and the suffix
_NAME_ROOM = 255 - 10 - len(TEMPORARY_SUFFIX)


@contextmanager
def replacing(path):
    """
    Yield a binary file that replaces `path` when the block ends.

    It is made readable for all, since apt reads as _apt and reports are
    for everybody.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a name that fills a file name is cut short in the temporary one
    name = os.fsdecode(os.fsencode(path.name)[:_NAME_ROOM])
    file_ = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f'.{name}.', suffix=TEMPORARY_SUFFIX,
        delete=False)
    replaced = False
    try:
        with file_:
            yield file_
            file_.flush()
            os.fsync(file_.fileno())
        os.chmod(file_.name, 0o644)
        os.replace(file_.name, path)
        replaced = True
    except OSError as e:
        # a full disk fails a write, which names no file: name the target
        if e.filename is None:
            raise OSError(e.errno, e.strerror, str(path)) from e
        raise
    finally:
        if not replaced:
            os.unlink(file_.name)


def write_atomically(path, data):
    """Replace `path` with `data` (text as UTF-8, or bytes)."""
    with replacing(path) as file_:
        file_.write(data.encode() if isinstance(data, str) else data)


def copy_atomically(source, path):
    """Replace `path` with a copy of the file `source`."""
    with replacing(path) as file_, open(source, 'rb') as src:
        shutil.copyfileobj(src, file_, _CHUNK_SIZE)
