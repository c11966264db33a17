"""Shared checks of the semantics + depth loaders."""
import os
import os.path as osp
from typing import Dict, List, Sequence

#: How many missing files an error lists.
MAX_LISTED = 5


def matched_files(split_dir: str, folders: Dict[str, str],
                  layout: str) -> List[Dict[str, str]]:
    """Files of the same stem in every folder of a split, in stem order.

    Args:
        split_dir (str): The split's folder.
        folders (dict[str, str]): Sample key (e.g. ``'img_path'``) ->
            ``'<folder>/<extension>'``, e.g. ``'rgb/.jpg'``; the first entry
            lists the samples.
        layout (str): The expected layout, for errors.

    Returns:
        list[dict[str, str]]: One dict of paths per sample.
    """
    stems = {}
    for key, spec in folders.items():
        folder, extension = spec.split('/')
        path = osp.join(split_dir, folder)
        if not osp.isdir(path):
            raise FileNotFoundError(f'folder {path!r} does not exist. '
                                    f'Expected layout:\n{layout}')
        stems[key] = {name[:-len(extension)] for name in os.listdir(path)
                      if name.endswith(extension)}
    first, *others = folders
    if not stems[first]:
        raise FileNotFoundError(f'{osp.join(split_dir, folders[first])!r}: '
                                f'no files. Expected layout:\n{layout}')
    for key in others:
        missing = sorted(stems[first] - stems[key])
        if missing:
            folder, extension = folders[key].split('/')
            listed = [osp.join(split_dir, folder, stem + extension)
                      for stem in missing[:MAX_LISTED]]
            raise FileNotFoundError(
                f'{len(missing)} samples of {split_dir!r} lack their '
                f'{folder} file, e.g. {listed}. Expected layout:\n{layout}')
    order = sorted(stems[first],
                   key=lambda s: (0, int(s), '') if s.isdigit() else (1, 0, s))
    return [{key: osp.join(split_dir, spec.split('/')[0],
                           stem + spec.split('/')[1])
             for key, spec in folders.items()} for stem in order]


def check_split(split: str, splits: Sequence[str], name: str) -> str:
    """``split`` if it is one of ``splits``, else a ValueError."""
    if split not in splits:
        raise ValueError(f'{name}: split must be one of {tuple(splits)}, got '
                         f'{split!r}')
    return split
