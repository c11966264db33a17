"""What the dataset converters share: their command line, the check of the
files they wrote (counts, sizes, dtypes, value ranges) and its summary
table."""
import argparse
import glob
import os
import os.path as osp
import re
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from .utils import DataFileError, check_file, read_image, read_npy

#: How many unmatched files an error lists.
MAX_LISTED = 5


class FileSpec(NamedTuple):
    """One kind of file a converter writes (or a layout must hold)."""

    #: Glob pattern relative to the output root, e.g.
    #: ``'train/label40/*.png'``; the parts matched by ``*`` name a sample.
    pattern: str
    #: Expected properties of every file (keywords of
    #: :func:`~mtlw.datasets.utils.check_array`: ``dtype``, ``channels``,
    #: ``size``, ``values``, ``allowed``, ``note``). Files that are neither
    #: images nor ``.npy`` are only checked to be non-empty.
    checks: dict = {}
    #: Exact number of files expected; None: at least one.
    count: Optional[int] = None
    #: Specs of one group must name the same samples (e.g. an image folder
    #: and its label folder).
    group: str = ''
    #: The number in the official release, shown next to the count (a
    #: subset is allowed, the table says so).
    official: Optional[int] = None


class OutputRow(NamedTuple):
    """What :func:`check_output` found for one :class:`FileSpec`."""

    #: The spec's pattern.
    pattern: str
    #: Number of files.
    count: int
    #: The dtypes found (``'-'`` for files that are not decoded).
    dtypes: str
    #: The (H, W) sizes found, at most three listed.
    sizes: str
    #: Smallest and largest value over the decoded files.
    values: str
    #: Count compared with the official release, or ``''``.
    note: str


def sample_keys(root: str, pattern: str) -> Dict[Tuple[str, ...], str]:
    """Files matching ``pattern`` under ``root``, by the parts its ``*``
    match (e.g. ``('aachen', 'aachen_000000_000019')``)."""
    regex = re.compile('^' + '([^/]*)'.join(
        re.escape(part) for part in pattern.split('*')) + '$')
    files = {}
    for path in glob.glob(osp.join(root, pattern)):
        match = regex.match(osp.relpath(path, root).replace(os.sep, '/'))
        if match:
            files[match.groups()] = path
    return files


def read_checked(path: str, **checks) -> Optional[np.ndarray]:
    """The decoded, checked content of an image or ``.npy`` file; other
    files are only checked to be non-empty (None).

    Raises:
        FileNotFoundError: ``path`` is missing.
        DataFileError: it is empty, undecodable or a checked property
            differs; the message names ``path``.
    """
    extension = osp.splitext(path)[1].lower()
    if extension == '.npy':
        return read_npy(path, **checks)
    if extension in ('.png', '.jpg', '.jpeg'):
        return read_image(path, 'unchanged', **checks)
    check_file(path, 'Data')
    return None


class _Stats(NamedTuple):
    """dtype, (H, W), min and max of one decoded file."""

    dtype: str
    size: str
    low: float
    high: float


def _stats(array: np.ndarray) -> _Stats:
    low, high = (array.min(), array.max()) if array.size else (0, 0)
    return _Stats(str(array.dtype), 'x'.join(map(str, array.shape[:2])),
                  low, high)


def _describe(stats: List[_Stats], count: int, official: Optional[int]
              ) -> Tuple[str, str, str, str]:
    dtypes = sorted({item.dtype for item in stats}) or ['-']
    sizes = sorted({item.size for item in stats})
    shown = ', '.join(sizes[:3]) + (', ...' if len(sizes) > 3 else '')
    values = (f'{min(item.low for item in stats)}..'
              f'{max(item.high for item in stats)}' if stats else '-')
    note = ''
    if official is not None:
        note = 'official' if count == official else \
            f'subset of the official {official}'
    return ', '.join(dtypes), shown or '-', values, note


def check_spec(root: str, spec: FileSpec,
               max_read: Optional[int] = None) -> OutputRow:
    """Count, decode and check the files of one spec.

    Args:
        root (str): The output root.
        spec (FileSpec): What to check.
        max_read (int, optional): Decode at most this many files (all when
            None); all are counted.

    Returns:
        OutputRow: The summary.

    Raises:
        FileNotFoundError: no file matches, or one cannot be read.
        DataFileError: the count differs or a file is wrong; the message
            names the pattern or the file.
    """
    files = sorted(sample_keys(root, spec.pattern).values())
    if not files:
        raise FileNotFoundError(
            f'no file matches {osp.join(root, spec.pattern)!r}')
    if spec.count is not None and len(files) != spec.count:
        raise DataFileError(
            f'{osp.join(root, spec.pattern)!r}: expected {spec.count} files, '
            f'found {len(files)}')
    stats = []
    for path in files[:max_read]:
        array = read_checked(path, **spec.checks)
        if array is not None:
            stats.append(_stats(array))
    return OutputRow(spec.pattern, len(files),
                     *_describe(stats, len(files), spec.official))


def check_groups(root: str, specs: Sequence[FileSpec]) -> None:
    """Raise unless the specs of every group name the same samples.

    Raises:
        FileNotFoundError: a sample of a group lacks a file in another spec
            of the group; the message names the missing files.
    """
    groups: Dict[str, List[FileSpec]] = {}
    for spec in specs:
        if spec.group:
            groups.setdefault(spec.group, []).append(spec)
    for first, *others in groups.values():
        keys = sample_keys(root, first.pattern)
        for other in others:
            missing = sorted(set(keys) - set(sample_keys(root, other.pattern)))
            if missing:
                listed = [other.pattern.replace('*', '{}').format(*key)
                          for key in missing[:MAX_LISTED]]
                raise FileNotFoundError(
                    f'{len(missing)} files of {first.pattern!r} under '
                    f'{root!r} have no partner {other.pattern!r}, e.g. '
                    f'{listed}')


def check_output(root: str, specs: Sequence[FileSpec],
                 max_read: Optional[int] = None) -> List[OutputRow]:
    """Check every spec (:func:`check_spec`) and the groups
    (:func:`check_groups`) under ``root``.

    Args:
        root (str): The output root.
        specs (Sequence[FileSpec]): What it must hold.
        max_read (int, optional): Files decoded per spec (all when None).

    Returns:
        list[OutputRow]: One row per spec.
    """
    rows = [check_spec(root, spec, max_read) for spec in specs]
    check_groups(root, specs)
    return rows


def format_table(title: str, rows: Sequence[OutputRow]) -> str:
    """The rows as a plain-text table under ``title``."""
    header = ('files', 'count', 'dtype', 'size (HxW)', 'values', 'note')
    cells = [header] + [(row.pattern, str(row.count), row.dtypes, row.sizes,
                         row.values, row.note) for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = ['  '.join(cell.ljust(width)
                       for cell, width in zip(line, widths)).rstrip()
             for line in cells]
    lines.insert(1, '  '.join('-' * width for width in widths))
    return '\n'.join([title] + lines)


def require(path: str, what: str) -> str:
    """``path`` if it exists (file or folder), else a FileNotFoundError
    that names ``what`` and ``path``."""
    if not osp.exists(path):
        raise FileNotFoundError(f'{what} {path!r} does not exist')
    return path


def converter_parser(description: str, source_help: str,
                     out_default: Optional[str] = None
                     ) -> argparse.ArgumentParser:
    """The arguments every converter takes: the downloaded ``source``,
    ``--out``, ``--check-only`` and ``--max-read``.

    Args:
        description (str): What the converter does.
        source_help (str): What ``source`` is.
        out_default (str, optional): The data root the configs read; None:
            the output is written into ``source`` (``--out`` defaults to
            it).

    Returns:
        argparse.ArgumentParser: Add the converter's own options to it.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('source', help=source_help)
    parser.add_argument('--out', default=out_default,
                        help='data root to write (default '
                        f'{out_default or "the source folder"})')
    parser.add_argument('--check-only', action='store_true',
                        help='only check the layout under --out')
    parser.add_argument('--max-read', type=int, default=None,
                        help='decode at most this many files per kind when '
                        'checking (all are counted; default all)')
    return parser


def run_converter(args: argparse.Namespace,
                  convert: Optional[Callable[[argparse.Namespace], object]],
                  specs: Callable[[argparse.Namespace, object],
                                  Sequence[FileSpec]],
                  title: str) -> List[OutputRow]:
    """Convert (unless ``--check-only``), check the output, print the table.

    Args:
        args (argparse.Namespace): Parsed by a :func:`converter_parser`.
        convert (callable, optional): Writes the layout under
            ``args.out``; what it returns (e.g. the number of samples
            written) goes to ``specs`` (None with ``--check-only``). None
            for a layout used as downloaded: only checked.
        specs (callable): ``(args, converted) -> FileSpec`` list.
        title (str): First line of the table.

    Returns:
        list[OutputRow]: The checked rows (also printed).
    """
    if args.out is None:
        args.out = args.source
    if args.max_read is not None and args.max_read < 1:
        raise ValueError(f'--max-read must be positive, got {args.max_read}')
    converted = None
    if convert is not None and not args.check_only:
        converted = convert(args)
    require(args.out, 'data root')
    rows = check_output(args.out, specs(args, converted), args.max_read)
    print(format_table(f'{title}: {args.out}', rows))
    return rows


#: The signature of an HDF5 file (MATLAB v7.3 .mat files are HDF5, after a
#: 512-byte header).
HDF5_SIGNATURE = b'\x89HDF\r\n\x1a\n'


def is_hdf5(path: str) -> bool:
    """Whether ``path`` is an HDF5 file (e.g. a MATLAB v7.3 .mat)."""
    with open(path, 'rb') as file:
        head = file.read(520)
    return head[:8] == HDF5_SIGNATURE or head[512:520] == HDF5_SIGNATURE


class MatFile:
    """The arrays of a MATLAB .mat file in MATLAB's axis order.

    MATLAB v7.3 files are HDF5 and read lazily with h5py, which sees the
    axes reversed (column-major storage): they are transposed back. Older
    files are loaded at once with ``scipy.io.loadmat``. Use as a context
    manager.

    Args:
        path (str): The .mat file.
    """

    def __init__(self, path: str) -> None:
        self.path = check_file(require(path, '.mat file'), '.mat')
        self._h5 = None
        self._arrays: Dict[str, np.ndarray] = {}
        if is_hdf5(path):
            try:
                import h5py
            except ImportError:
                raise ImportError(f'{path!r} is a MATLAB v7.3 (HDF5) file: '
                                  'reading it needs h5py (pip install '
                                  'h5py)') from None
            self._h5 = h5py.File(path, 'r')
        else:
            from scipy.io import loadmat
            try:
                self._arrays = loadmat(path)
            except Exception as error:  # noqa: BLE001 (any reader failure)
                raise DataFileError(
                    f'Cannot read {path!r} as a .mat file: the file is '
                    f'corrupt or not a .mat file ({type(error).__name__}: '
                    f'{error})') from None

    def __enter__(self) -> 'MatFile':
        return self

    def __exit__(self, *exc) -> None:
        if self._h5 is not None:
            self._h5.close()

    def _entry(self, key: str):
        source = self._h5 if self._h5 is not None else self._arrays
        if key not in source:
            found = sorted(k for k in source.keys() if not k.startswith('__'))
            raise KeyError(f'{self.path!r} holds no variable {key!r}; it '
                           f'holds {found}')
        return source[key]

    def shape(self, key: str) -> Tuple[int, ...]:
        """The shape of variable ``key`` in MATLAB's order."""
        shape = tuple(self._entry(key).shape)
        return shape[::-1] if self._h5 is not None else shape

    def read(self, key: str, index: Optional[int] = None) -> np.ndarray:
        """Variable ``key``, or its slice ``index`` (0-based) along MATLAB's
        last axis (e.g. one image of an H x W x 3 x N stack)."""
        entry = self._entry(key)
        if self._h5 is not None:
            data = entry[()] if index is None else entry[index]
            return np.asarray(data).T
        return np.asarray(entry if index is None else entry[..., index])


#: What every colour image must be.
IMAGE_CHECKS = dict(dtype=np.uint8, channels=3)


def split_folder_specs(dataset: type, splits: Sequence[str],
                       counts: Optional[Dict[str, int]] = None,
                       size: Optional[Sequence[int]] = None,
                       official: Optional[Dict[str, int]] = None
                       ) -> List[FileSpec]:
    """The files a :class:`~mtlw.datasets.split_folder_dataset.
    SplitFolderDataset` subclass reads, with its checks, per split.

    Args:
        dataset (type): The loader class (its ``FILES`` and ``CHECKS``).
        splits (Sequence[str]): Splits to check.
        counts (dict, optional): Exact file count by split.
        size (Sequence[int], optional): (H, W) of every file.
        official (dict, optional): The official count by split.

    Returns:
        list[FileSpec]: One spec per split and folder, grouped by split.
    """
    result = []
    for split in splits:
        for key, (spec, _) in dataset.FILES.items():
            folder, ext = spec.split('/')
            checks = dict(IMAGE_CHECKS if key == 'img_path' else
                          dataset.CHECKS.get(key, {}), size=size)
            result.append(FileSpec(
                f'{split}/{folder}/*{ext}', checks,
                (counts or {}).get(split), group=split,
                official=(official or {}).get(split)))
    return result
