# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
What both container scripts do: fill templates, make debs, hand files over.

Every deb, a package's and the prefix setup deb, is made by make_deb, as
debhelper's last steps make it: copyright and changelog in its doc
folder, conffiles, the control file by dpkg-gencontrol, md5sums, and
dpkg-deb.  Only the Python standard library is used.
"""

import hashlib
import os
from pathlib import Path
import stat
import subprocess

import contract

# the prefix setup templates: setup.sh and the others
WORKSPACE_TEMPLATES = Path(__file__).parent / 'workspace'


def fill_template(text, *, prefix, ros_distro, ros_version):
    """Fill a prefix setup template in for the run."""
    return text.replace('@PREFIX@', prefix) \
        .replace('@ROS_DISTRO@', ros_distro) \
        .replace('@ROS_VERSION@', ros_version)


def pack_deb(root, deb, epoch, *, run=subprocess.check_call):
    """
    Pack a folder with DEBIAN/control into a deb, the same bytes each time.

    dpkg-deb sorts the archive members and takes SOURCE_DATE_EPOCH for the
    archive's own times; every file gets the time `epoch` too.

    :param run: runs the dpkg-deb command, given `env` as a keyword
    """
    for path in sorted(Path(root).rglob('*'), reverse=True) + [Path(root)]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    run(['dpkg-deb', '--root-owner-group', '-Zgzip', '--build', str(root),
         str(deb)], env=dict(os.environ, SOURCE_DATE_EPOCH=str(epoch)))


def hand_over(*paths):
    """Leave files to the user who runs colcon deb."""
    owner = os.environ.get(contract.HOST_USER_VARIABLE)
    if owner:
        uid, gid = (int(v) for v in owner.split(':'))
        for path in paths:
            os.chown(path, uid, gid)


# the fields of the source paragraph of debian/control; the others are the
# binary package's, but for Version, which dpkg-gencontrol is given
SOURCE_FIELDS = ('Maintainer',)


def make_deb(packaging, deb_name, *, control, copyright_text, changelog,
             epoch, out, file_name=None, shlibs='',
             run=subprocess.check_call):
    """
    Make the deb of the files staged in <packaging>/debian/<deb name>.

    dpkg-gencontrol writes the control file from a debian/control made of
    the host's paragraph, the changelog and the substitution variables:
    Installed-Size as dpkg computes it, Depends merged and simplified
    (`libc6, libc6 (>= 2.34)` is one relation), Architecture `any` made
    the target's.  Python code gets a python3 dependency, as dh_python3
    gives it.

    :param control: the paragraph from the host, Architecture `any` or
      `all`
    :param copyright_text: the text of /usr/share/doc/<deb name>/copyright
    :param changelog: debian/changelog, installed as changelog.Debian.gz
    :param epoch: the time of every file, for the same bytes every time
    :param out: the folder the deb goes to
    :param file_name: the deb's name, by default
      <deb name>_<version>_<architecture>.deb
    :param shlibs: what dpkg-shlibdeps found the binaries need
    :param run: runs a command, given `cwd` or `env` as a keyword
    :returns: the path of the deb
    """
    packaging = Path(packaging)
    root = packaging / 'debian' / deb_name
    install_docs(
        root, deb_name, copyright_text=copyright_text, changelog=changelog)
    (packaging / 'debian' / 'changelog').write_text(changelog)
    conffiles = configuration_files(root)
    debian = root / 'DEBIAN'
    debian.mkdir(exist_ok=True)
    if conffiles:
        (debian / 'conffiles').write_text(
            ''.join(f'{path}\n' for path in conffiles))
    # what Depends gets besides the host's relations
    substvars = {
        'shlibs:Depends': shlibs,
        'python3:Depends': 'python3' if has_python_code(root) else ''}
    (packaging / 'debian' / 'substvars').write_text(''.join(
        f'{name}={value}\n' for name, value in substvars.items()))
    fields = parse_control(control)
    source = [('Source', deb_name)] + [
        (k, v) for k, v in fields if k in SOURCE_FIELDS]
    binary = [(k, v) for k, v in fields
              if k not in SOURCE_FIELDS and k != 'Version']
    depends = [value for key, value in binary if key == 'Depends'] + [
        f'${{{name}}}' for name in substvars]
    binary = [(k, v) for k, v in binary if k != 'Depends']
    binary.insert(2, ('Depends', ', '.join(depends)))
    (packaging / 'debian' / 'control').write_text(
        format_control(source) + '\n' + format_control(binary))
    version = dict(fields)['Version']
    run(['dpkg-gencontrol', f'-p{deb_name}', f'-v{version}',
         '-ldebian/changelog', '-cdebian/control', '-Tdebian/substvars',
         '-fdebian/files', f'-Pdebian/{deb_name}'],
        cwd=packaging)
    (debian / 'md5sums').write_text(md5sums(root, conffiles))
    if file_name is None:
        written = dict(parse_control((debian / 'control').read_text()))
        file_name = f"{deb_name}_{version}_{written['Architecture']}.deb"
    deb = Path(out) / file_name
    pack_deb(root, deb, epoch, run=run)
    return deb


def install_docs(root, deb_name, *, copyright_text, changelog):
    """
    Install copyright and changelog.Debian.gz in the deb's doc folder.

    As dh_installdocs and dh_installchangelogs do; `gzip -9n` leaves the
    time and name out, so the same changelog gives the same bytes.
    """
    doc = root / contract.DOC_FOLDER.lstrip('/') / deb_name
    doc.mkdir(parents=True, exist_ok=True)
    for folder in [doc, *doc.parents][:4]:
        os.chmod(folder, 0o755)
    (doc / 'copyright').write_text(copyright_text)
    compressed = subprocess.run(
        ['gzip', '-9n'], input=changelog.encode(), stdout=subprocess.PIPE,
        check=True).stdout
    (doc / 'changelog.Debian.gz').write_bytes(compressed)
    for name in ('copyright', 'changelog.Debian.gz'):
        os.chmod(doc / name, 0o644)


def parse_control(text):
    """Return the (field, value) pairs of one control paragraph."""
    fields = []
    for line in text.splitlines():
        if line[:1] in (' ', '\t') and fields:
            key, value = fields[-1]
            fields[-1] = (key, f'{value}\n{line}')
        elif ':' in line:
            key, _, value = line.partition(':')
            fields.append((key.strip(), value.strip()))
    return fields


def format_control(fields):
    """Write (field, value) pairs as a control paragraph."""
    return ''.join(f'{key}: {value}\n' for key, value in fields if value)


def has_python_code(root):
    """
    Tell whether a deb holds Python code: modules or python3 scripts.

    Either needs python3 installed to be of use, so the deb depends on it.
    """
    for parent, _, files in os.walk(root):
        for name in files:
            path = os.path.join(parent, name)
            if name.endswith('.py'):
                return True
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            with open(path, 'rb') as f:
                first = f.readline(200)
            if first.startswith(b'#!') and b'python' in first:
                return True
    return False


def configuration_files(root):
    """
    List the staged configuration files, which dpkg keeps as conffiles.

    dpkg then keeps a user's changes to them on upgrade; only regular
    files can be conffiles.
    """
    folder = Path(root) / contract.CONFIG_FOLDER.lstrip('/')
    found = []
    for parent, _, files in os.walk(folder):
        for name in files:
            path = Path(parent, name)
            if stat.S_ISREG(path.lstat().st_mode):
                found.append('/' + path.relative_to(root).as_posix())
    return sorted(found)


def md5sums(root, conffiles=()):
    """
    List the checksums dpkg keeps of installed files.

    As dh_md5sums, without the conffiles: dpkg keeps theirs apart.
    """
    root = Path(root)
    conffiles = set(conffiles)
    lines = []
    for path in sorted(root.rglob('*')):
        relative = path.relative_to(root)
        if path.is_file() and not path.is_symlink() and \
                relative.parts[0] != 'DEBIAN' and \
                f'/{relative.as_posix()}' not in conffiles:
            digest = hashlib.md5(path.read_bytes()).hexdigest()
            lines.append(f'{digest}  {relative}\n')
    return ''.join(lines)
