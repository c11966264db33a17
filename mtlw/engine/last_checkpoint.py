"""``load_from='last:<run folder>'``: start from another run's final
checkpoint, whatever its schedule named it.

A two-stage recipe (train on one task, fine-tune on another, e.g. the
fine-tuned structure of Jiao et al., "Look Deeper into Depth", ECCV 2018,
supplementary section 2) names its first stage by the run folder; the file
is the one that run's ``last_checkpoint`` (written by mmengine's
``CheckpointHook``) points to, so ``iter_400.pth`` and ``epoch_16.pth``
need no separate configs.
"""
import os.path as osp
from typing import Optional

from mmengine.runner import CheckpointLoader

#: The ``load_from`` prefix of a run folder.
PREFIX = 'last:'


def last_checkpoint_of(run_dir: str) -> str:
    """The checkpoint file a run's ``last_checkpoint`` names.

    The recorded path is used as it is when it exists (relative paths are
    relative to where the run was started), else its file name inside
    ``run_dir`` (the folder was moved, or the run started elsewhere).

    Args:
        run_dir (str): The run's work folder.

    Returns:
        str: Path of the checkpoint file.

    Raises:
        FileNotFoundError: No ``last_checkpoint`` in ``run_dir``, or the
            checkpoint it names is in neither place.
    """
    record = osp.join(run_dir, 'last_checkpoint')
    if not osp.isfile(record):
        raise FileNotFoundError(
            f"load_from='{PREFIX}{run_dir}': no last_checkpoint file in "
            f'{run_dir!r}; train that run first (or give load_from a '
            'checkpoint file)')
    with open(record) as file:
        recorded = file.read().strip()
    for path in (recorded, osp.join(run_dir, osp.basename(recorded))):
        if osp.isfile(path):
            return path
    raise FileNotFoundError(
        f"load_from='{PREFIX}{run_dir}': its last_checkpoint names "
        f'{recorded!r}, which is missing (also in {run_dir!r})')


@CheckpointLoader.register_scheme(prefixes=PREFIX)
def load_last_checkpoint(filename: str,
                         map_location: Optional[str] = None) -> dict:
    """mmengine checkpoint loader of ``last:<run folder>``."""
    path = last_checkpoint_of(filename[len(PREFIX):])
    return CheckpointLoader.load_checkpoint(path, map_location)
