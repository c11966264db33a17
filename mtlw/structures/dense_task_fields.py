"""Where a dense task keeps its ground truth and prediction in a data
sample, by task kind (shared by models and metrics)."""
from typing import Tuple

#: Tasks whose name alone tells their kind.
KNOWN_KINDS = ('seg', 'depth', 'normal')
#: Every kind: the three above and ``'dense'``, any other per-pixel map.
KINDS = KNOWN_KINDS + ('dense', )


def default_kind(name: str) -> str:
    """The kind of a task called ``name``: itself if known, else ``dense``."""
    return name if name in KNOWN_KINDS else 'dense'


def task_fields(name: str, kind: str) -> Tuple[str, str]:
    """The data-sample fields holding a task's ground truth and prediction.

    ``seg``: ``gt_sem_seg`` / ``pred_sem_seg`` (as mmseg);
    ``depth``: ``gt_depth_map`` / ``pred_depth_map``;
    ``normal``: ``gt_normal_map`` / ``pred_normal_map``;
    ``dense``: ``gt_<name>_map`` / ``pred_<name>_map``.

    Args:
        name (str): Task name.
        kind (str): One of :data:`KINDS`.

    Returns:
        tuple[str, str]: The ground-truth and the prediction field.
    """
    if kind not in KINDS:
        raise ValueError(f'task {name!r}: kind must be one of {KINDS}, got '
                         f'{kind!r}')
    if kind == 'seg':
        return 'gt_sem_seg', 'pred_sem_seg'
    stem = name if kind == 'dense' else kind
    return f'gt_{stem}_map', f'pred_{stem}_map'
