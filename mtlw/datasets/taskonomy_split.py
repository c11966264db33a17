"""The 1/100 Taskonomy subset of the Loss Scale Balancing study.

Lee, Lee and Kim ("Loss Scale Balancing", ICCV 2021, supplement) sample the
tiny split of Taskonomy (Zamir et al., CVPR 2018) at a ratio of 1/100: 2,762
training and 548 test views. They give the ratio, not the rule; these
functions take every ``ratio``-th view of the sorted list (buildings in the
order given, views sorted by file name), a deterministic choice that keeps
every building in proportion to its size.
"""
from typing import Iterable, List, Sequence, Tuple

from .taskonomy import scan_views

View = Tuple[str, str]


def subsample_views(views: Sequence[View], ratio: int = 100) -> List[View]:
    """Every ``ratio``-th view of ``views``, starting with the first.

    Args:
        views (Sequence[tuple[str, str]]): ``(building, view)`` pairs, in
            the order to sample.
        ratio (int): Keep one view in ``ratio``. Defaults to 100.

    Returns:
        list[tuple[str, str]]: ``ceil(len(views) / ratio)`` views.
    """
    if isinstance(ratio, bool) or not isinstance(ratio, int) or ratio < 1:
        raise ValueError(f'ratio must be an integer >= 1, got {ratio!r}')
    return list(views[::ratio])


def build_taskonomy_split(data_root: str, buildings: Sequence[str],
                          ratio: int = 100) -> List[View]:
    """The 1/``ratio`` subset of the RGB views of ``buildings``.

    Args:
        data_root (str): Folder holding ``<building>/rgb/``.
        buildings (Sequence[str]): E.g. the training buildings of the tiny
            split.
        ratio (int): Keep one view in ``ratio``. Defaults to 100.

    Returns:
        list[tuple[str, str]]: ``(building, 'point_<p>_view_<v>')`` pairs.
    """
    if not buildings:
        raise ValueError('buildings must name at least one building')
    return subsample_views(scan_views(data_root, buildings), ratio)


def write_view_list(path: str, views: Iterable[View],
                    header: Sequence[str] = ()) -> None:
    """Write ``views`` as ``<building> <view>`` lines, after ``# `` header
    lines (``TaskonomyDataset`` skips them)."""
    with open(path, 'w') as file:
        file.writelines(f'# {line}\n' for line in header)
        file.writelines(f'{building} {view}\n' for building, view in views)
