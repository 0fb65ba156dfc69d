"""Safe file output: atomic writes, output folders that ``--force`` may replace, CSV cell neutralising.

Three rules hold for everything brainrit writes:

* a file appears complete or not at all (written to a temporary file beside it, then renamed);
* an output folder is replaced (``--force``) only if brainrit wrote it: it carries the marker file
  ``.brainrit-output`` listing the files brainrit put there, and holds nothing else. Anything else
  (a project folder, ``.``, ``..``, the home folder, ``/``, a symbolic link, a parent of the current
  folder) is refused with an :class:`~brainrit.errors.OutputError`; brainrit deletes only files it
  listed in its marker, never a whole tree;
* temporary folders left by a killed run (``.NAME.tmp-PID-*``, ``.NAME.old-PID``) are removed by the
  next run into the same place, once the process ``PID`` is gone and the folder carries the marker.

Text cells of a CSV file that a spreadsheet would execute as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are prefixed with ``'`` (OWASP, "CSV Injection").

For the file readers: :func:`header_numbers` reads a numeric header attribute (DICOM) as finite
numbers or raises :class:`~brainrit.errors.DataError` naming the file and the attribute;
:func:`check_voxel_budget` refuses an image whose header declares more voxels than
:data:`MAX_IMAGE_VOXELS` before its pixel data are read; :func:`finite_image` refuses NaN/inf data.

Examples
--------
>>> import tempfile, pathlib
>>> from brainrit.fileio import atomic_write_text, csv_safe_cell
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(folder / "a.txt", "hello").read_text()
'hello'
>>> csv_safe_cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
>>> csv_safe_cell("-1.5"), csv_safe_cell(-1.5), csv_safe_cell("arm A")
('-1.5', -1.5, 'arm A')
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import socket
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from brainrit.errors import DataError, OutputError

__all__ = [
    "MARKER_NAME",
    "MAX_IMAGE_VOXELS",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_output_folder",
    "check_voxel_budget",
    "cleanup_stale",
    "csv_safe_cell",
    "csv_safe_row",
    "discard_staging_folder",
    "finite_image",
    "header_numbers",
    "make_staging_folder",
    "publish_output_folder",
]

#: Name of the marker file that brainrit writes into every output folder it creates.
MARKER_NAME = ".brainrit-output"
_MARKER_KIND = "brainrit output folder"
_NAME_MAX_FALLBACK = 255
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Largest image a reader accepts, voxels (1.2 GB as float64; a 512 x 512 x 500 CT has 1.3e8).
MAX_IMAGE_VOXELS = 150_000_000


# ----------------------------------------------------------------------------------------- names


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return _NAME_MAX_FALLBACK


def _check_name(path: Path, what: str) -> None:
    limit = _name_max(path.parent if path.parent.is_dir() else Path("."))
    if len(os.fsencode(path.name)) > limit:
        raise OutputError(
            f"{what}: file name {path.name[:40]!r}... is {len(os.fsencode(path.name))} bytes; "
            f"this file system allows at most {limit}"
        )


def _tmp_name(path: Path, kind: str) -> str:
    """Hidden sibling name ``.NAME.KIND-PID-RAND(.suffix)``, short enough for any file system."""
    suffix = "".join(path.suffixes[-2:]) if len("".join(path.suffixes[-2:])) <= 16 else path.suffix[:16]
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    return f".{stem[:100]}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}{suffix}"


def _os_error(what: str, path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{what}: cannot write {str(path)!r}: {exc.strerror or exc}")


# ---------------------------------------------------------------------------------- atomic write


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any], *, what: str = "output") -> Path:
    """Write a file through ``write(tmp_path)`` and rename it into place.

    ``write`` receives a temporary path in the same folder, with the same suffix(es) as ``path``
    (libraries such as nibabel choose the format from it). On any failure the temporary file is
    removed and ``path`` is left as it was.

    Parameters
    ----------
    path : path-like
        Final file.
    write : callable
        Called once with the temporary :class:`pathlib.Path` to write.
    what : str, keyword-only
        Name used in error messages (e.g. ``"--csv"``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        The folder does not exist or is not writable, or the name is too long.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
    >>> atomic_write(p, lambda tmp: tmp.write_bytes(b"abc")).read_bytes()
    b'abc'
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{what}: folder {str(folder)!r} does not exist")
    _check_name(target, what)
    if target.is_dir():
        raise OutputError(f"{what}: {str(target)!r} is a folder, not a file")
    tmp = folder / _tmp_name(target, "tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _os_error(what, target, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, what: str = "output") -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
    >>> atomic_write_bytes(p, b"\\x00\\x01").read_bytes()
    b'\\x00\\x01'
    """
    return atomic_write(path, lambda tmp: tmp.write_bytes(data), what=what)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", what: str = "output"
) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8 by default, newlines as given).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> atomic_write_text(p, "a\\nb\\n").read_text()
    'a\\nb\\n'
    """
    return atomic_write(path, lambda tmp: tmp.write_bytes(text.encode(encoding)), what=what)


# ------------------------------------------------------------------------------------------ CSV


def csv_safe_cell(value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet would run as a formula; other values unchanged.

    A string starting with ``= + - @``, a tab or a carriage return is prefixed with ``'``, unless
    it is a plain number (``"-1.5"``). Non-strings are returned as they are.

    Examples
    --------
    >>> csv_safe_cell("@SUM(A1)"), csv_safe_cell("+1e3"), csv_safe_cell(3)
    ("'@SUM(A1)", '+1e3', 3)
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        number = float(value)
    except ValueError:  # not a number: a formula for a spreadsheet
        return "'" + value
    return value if math.isfinite(number) and value.strip() == value else "'" + value


def csv_safe_row(row: Iterable[Any]) -> list[Any]:
    """:func:`csv_safe_cell` applied to every cell of ``row``.

    Examples
    --------
    >>> csv_safe_row(["=1+1", 2.0, "ok"])
    ["'=1+1", 2.0, 'ok']
    """
    return [csv_safe_cell(v) for v in row]


# ------------------------------------------------------------------------------- output folders


def _absolute(path: str | os.PathLike[str]) -> Path:
    """Absolute, normalised path (``..`` resolved lexically, symbolic links kept)."""
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path))))


def _is_within(inner: Path, outer: Path) -> bool:
    try:
        inner.relative_to(outer)
    except ValueError:
        return False
    return True


def _read_marker(folder: Path) -> dict[str, Any] | None:
    marker = folder / MARKER_NAME
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != _MARKER_KIND:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return data


def _write_marker(folder: Path, files: list[str], *, state: str) -> None:
    data = {
        "kind": _MARKER_KIND,
        "note": "written by brainrit; `--force` may replace this folder only while it holds just these files",
        "state": state,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "files": sorted(files),
    }
    (folder / MARKER_NAME).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _foreign_entries(folder: Path, marker: dict[str, Any]) -> list[str]:
    """Entries of ``folder`` that brainrit's marker does not list (or that are not plain files)."""
    listed = set(marker["files"]) | {MARKER_NAME}
    foreign = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name not in listed or entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            foreign.append(entry.name)
    return foreign


def _protected_reason(out: Path) -> str | None:
    cwd = Path(os.path.realpath(os.getcwd()))
    homes = {_absolute(Path.home()), Path(os.path.realpath(Path.home()))}
    for candidate in {out, Path(os.path.realpath(out))}:
        if candidate == Path(candidate.anchor):
            return "is the file-system root"
        if any(candidate == home or _is_within(home, candidate) for home in homes):
            return "is the home folder or contains it"
        if candidate == cwd:
            return "is the current folder"
        if _is_within(cwd, candidate):
            return "contains the current folder"
    return None


def check_output_folder(path: str | os.PathLike[str], *, force: bool, what: str = "out") -> Path:
    """Check that ``path`` can be created, or replaced with ``force``; call it before long work.

    Returns the absolute, normalised path. Raises :class:`~brainrit.errors.OutputError` (exit
    status 2 on the command line) when the folder exists without ``force``, when ``force`` would
    replace something brainrit did not write, when ``path`` is a symbolic link (even a dangling
    one), or when the parent folder is missing or not writable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> check_output_folder(base / "new", force=False) == base / "new"
    True
    >>> (base / "thesis").mkdir(); _ = (base / "thesis" / "thesis.tex").write_text("...")
    >>> check_output_folder(base / "thesis", force=True)
    Traceback (most recent call last):
    ...
    brainrit.errors.OutputError: out: ... was not written by brainrit (no .brainrit-output marker); ...
    """
    out = _absolute(path)
    if out.name in ("", ".", ".."):
        raise OutputError(f"{what}: {str(path)!r} is not a folder name brainrit can create")
    _check_name(out, what)
    if out.is_symlink():
        raise OutputError(
            f"{what}: {str(out)!r} is a symbolic link; give the real folder path (brainrit does not "
            "write through or replace links)"
        )
    reason = _protected_reason(out)
    if reason is not None and (force or out.exists()):
        raise OutputError(f"{what}: {str(out)!r} {reason}; brainrit never replaces it, choose a new folder")
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{what}: {str(out)!r} exists and is not a folder")
        if not force:
            raise OutputError(f"{what}: folder {str(out)!r} already exists; use --force to replace it")
        entries = os.listdir(out)
        if entries:
            marker = _read_marker(out)
            if marker is None:
                raise OutputError(
                    f"{what}: {str(out)!r} was not written by brainrit (no {MARKER_NAME} marker); "
                    "--force replaces only brainrit's own output folders, choose a new folder"
                )
            foreign = _foreign_entries(out, marker)
            if foreign:
                shown = ", ".join(repr(f) for f in foreign[:3]) + (" ..." if len(foreign) > 3 else "")
                raise OutputError(
                    f"{what}: {str(out)!r} holds {len(foreign)} file(s) brainrit did not write ({shown}); "
                    "--force would delete them, so brainrit refuses: move them or choose a new folder"
                )
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(f"{what}: parent folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{what}: cannot write in {str(parent)!r} (permission denied)")
    return out


def make_staging_folder(target: str | os.PathLike[str], *, what: str = "out") -> Path:
    """Create the hidden temporary folder ``.NAME.tmp-PID-RAND`` beside ``target`` (with its marker).

    Stale temporary folders of ``target`` left by killed runs are removed first
    (:func:`cleanup_stale`). Fill the folder, then call :func:`publish_output_folder`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> tmp = make_staging_folder(base / "out")
    >>> tmp.parent == base and tmp.name.startswith(".out.tmp-")
    True
    """
    out = _absolute(target)
    cleanup_stale(out)
    tmp = out.parent / f".{out.name[:100]}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir(mode=0o700)
        _write_marker(tmp, [], state="staging")
    except OSError as exc:
        raise _os_error(what, out.parent, exc) from None
    return tmp


def _remove_listed(folder: Path, marker: dict[str, Any]) -> bool:
    """Delete the files ``marker`` lists, the marker, then the folder if empty; True if it is gone."""
    for name in [*marker["files"], MARKER_NAME]:
        p = folder / name
        if "/" in name or name in ("", ".", ".."):
            continue
        if p.is_symlink() or p.is_file():
            with contextlib.suppress(OSError):
                p.unlink()
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def discard_staging_folder(tmp: str | os.PathLike[str]) -> None:
    """Remove a staging folder after a failed write: only plain files in it, then the folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> tmp = make_staging_folder(base / "out"); _ = (tmp / "a.json").write_text("{")
    >>> discard_staging_folder(tmp); list(base.iterdir())
    []
    """
    folder = Path(tmp)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink() or entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def publish_output_folder(
    tmp: str | os.PathLike[str], target: str | os.PathLike[str], *, force: bool
) -> Path:
    """Move the filled staging folder ``tmp`` to ``target``; replace ``target`` only if brainrit wrote it.

    The marker in ``tmp`` is rewritten to list the files now in it. An existing ``target`` is first
    checked again with :func:`check_output_folder`, renamed to ``.NAME.old-PID``, then the new folder
    is renamed into place and only the files listed in the old marker are deleted (a file that
    appeared there meanwhile is left, and so is the ``.old`` folder holding it).

    On failure (``target`` may not be replaced, or a rename fails) the staging folder is discarded
    (:func:`discard_staging_folder`) and the error raised.

    Returns
    -------
    pathlib.Path
        The absolute ``target``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> tmp = make_staging_folder(base / "out"); _ = (tmp / "a.json").write_text("{}")
    >>> out = publish_output_folder(tmp, base / "out", force=False)
    >>> sorted(p.name for p in out.iterdir())
    ['.brainrit-output', 'a.json']
    >>> tmp = make_staging_folder(base / "out"); _ = (tmp / "b.json").write_text("{}")
    >>> sorted(p.name for p in publish_output_folder(tmp, base / "out", force=True).iterdir())
    ['.brainrit-output', 'b.json']
    """
    staging = Path(tmp)
    try:
        out = check_output_folder(target, force=force)
    except BaseException:
        discard_staging_folder(staging)
        raise
    files = [e.name for e in os.scandir(staging) if e.name != MARKER_NAME]
    try:
        _write_marker(staging, files, state="complete")
        os.chmod(staging, 0o755)
        if out.exists():
            old_marker = _read_marker(out) or {"files": []}
            backup = out.parent / f".{out.name[:100]}.old-{os.getpid()}"
            os.rename(out, backup)
            try:
                os.rename(staging, out)
            except BaseException:
                os.rename(backup, out)
                raise
            _remove_listed(backup, old_marker)
        else:
            os.rename(staging, out)
    except OSError as exc:
        discard_staging_folder(staging)
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise OutputError(
                f"out: {str(out)!r} appeared while brainrit was writing; nothing replaced"
            ) from None
        raise _os_error("out", out, exc) from None
    return out


_STALE = re.compile(r"^\.(?P<name>.+)\.(?:tmp-(?P<pid1>\d+)-[0-9a-f]{8}|old-(?P<pid2>\d+))$")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but is someone else's
    return True


def cleanup_stale(target: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary folders of ``target`` left by killed runs; return those removed.

    A folder is removed only if its name matches ``.NAME.tmp-PID-RAND`` or ``.NAME.old-PID``, it
    is a real folder (not a link) carrying brainrit's marker written on this host, and process
    ``PID`` no longer exists. Inside it, only brainrit's files are deleted (the files the marker
    lists, plus, in a ``.tmp`` folder, plain files brainrit writes); anything else is left.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> cleanup_stale(base / "out")
    []
    """
    out = _absolute(target)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return removed
    prefix = f".{out.name[:100]}."
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        m = _STALE.match(entry.name)
        if m is None or m.group("name") != out.name[:100]:
            continue
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            continue
        pid = int(m.group("pid1") or m.group("pid2"))
        folder = Path(entry.path)
        marker = _read_marker(folder)
        if marker is None or marker.get("host") != socket.gethostname() or _pid_alive(pid):
            continue
        if marker.get("state") == "staging":
            # Killed while writing: the marker lists nothing yet; the plain files are brainrit's own
            # partial outputs (the folder was private, mode 0700, and hidden).
            names = [
                e.name
                for e in os.scandir(folder)
                if e.name != MARKER_NAME and e.is_file(follow_symlinks=False) and not e.is_symlink()
            ]
            marker = {**marker, "files": names}
        if _remove_listed(folder, marker):
            removed.append(folder)
    return removed


# ------------------------------------------------------------------------------------- readers


def _short(value: Any, limit: int = 40) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def header_numbers(
    ds: Any,
    keyword: str,
    *,
    where: str,
    count: int | None = None,
    positive: bool = False,
    default: Iterable[float] | float | None = None,
) -> Any:
    """Attribute ``keyword`` of a DICOM dataset as a float ndarray of finite numbers.

    Raises :class:`~brainrit.errors.DataError` ``"{where}: {keyword} ..."`` when it is missing (and
    no ``default``), not numeric (a malformed DS), not ``count`` values, not finite, or not > 0
    with ``positive``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ds = {"PixelSpacing": ["0.5", "0.5"]}
    >>> header_numbers(ds, "PixelSpacing", where="rd.dcm", count=2, positive=True).tolist()
    [0.5, 0.5]
    >>> header_numbers({"PixelSpacing": ["0.5", "abc"]}, "PixelSpacing", where="rd.dcm")
    Traceback (most recent call last):
    ...
    brainrit.errors.DataError: rd.dcm: PixelSpacing must be numbers, got ['0.5', 'abc']
    """
    import numpy as np

    try:
        raw = ds[keyword] if keyword in ds else None
        raw = getattr(raw, "value", raw)
    except Exception as exc:  # pydicom raises on some malformed elements
        raise DataError(f"{where}: {keyword} cannot be read ({type(exc).__name__})") from None
    if raw is None or (isinstance(raw, str | bytes) and not str(raw).strip()):
        if default is None:
            raise DataError(f"{where}: {keyword} is missing")
        return np.atleast_1d(np.asarray(default, dtype=float))
    items = [raw] if isinstance(raw, str | bytes | int | float) else list(raw)
    try:
        values = np.asarray([float(v) for v in items], dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{where}: {keyword} must be numbers, got {_short(items)}") from None
    if count is not None and values.size != count:
        raise DataError(f"{where}: {keyword} must have {count} values, got {values.size}")
    if not np.all(np.isfinite(values)):
        raise DataError(f"{where}: {keyword} must be finite numbers, got {_short(values.tolist())}")
    if positive and np.any(values <= 0):
        raise DataError(f"{where}: {keyword} must be > 0, got {_short(values.tolist())}")
    return values


def check_voxel_budget(shape: Iterable[int], *, where: str, limit: int = MAX_IMAGE_VOXELS) -> None:
    """Refuse an image whose declared shape exceeds ``limit`` voxels (call before reading pixels).

    Examples
    --------
    >>> check_voxel_budget((1000, 1000, 1000), where="big.nii.gz")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brainrit.errors.DataError: big.nii.gz: the header declares 1000 x 1000 x 1000 = 1e+09 voxels ...
    """
    dims = [int(n) for n in shape]
    if any(n < 1 for n in dims):
        raise DataError(f"{where}: the header declares an empty or negative shape {tuple(dims)}")
    n = math.prod(dims)
    if n > limit:
        raise DataError(
            f"{where}: the header declares {' x '.join(map(str, dims))} = {n:.3g} voxels (would need "
            f"{8 * n / 1e9:.1f} GB as float64); at most {limit:,} are read"
        )


def finite_image(data: Any, *, where: str, what: str = "image") -> None:
    """Refuse image data with NaN or infinite values, giving their count and the first index.

    Examples
    --------
    >>> import numpy as np
    >>> finite_image(np.array([[1.0, np.nan]]), where="x.nii")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brainrit.errors.DataError: x.nii: the image holds 1 NaN or infinite value(s) (first at index (0, 1)); ...
    """
    import numpy as np

    bad = ~np.isfinite(data)
    if np.any(bad):
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise DataError(
            f"{where}: the {what} holds {int(bad.sum())} NaN or infinite value(s) (first at index {first}); "
            "only finite values are accepted"
        )
