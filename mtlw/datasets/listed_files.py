"""Samples named by a split file, each with one file per field, as in the
released NYUD-v2 and PASCAL-Context multi-task data of Vandenhende et al."""
import os.path as osp
from typing import Dict, List, Sequence, Union

from .utils import check_data_root

#: How many missing files an error lists.
MAX_LISTED = 5


def listed_samples(data_root: str, split_file: str,
                   fields: Dict[str, Union[str, Sequence[str]]], name: str,
                   layout: str, docs_page: str) -> List[Dict[str, str]]:
    """Paths of every sample listed in ``split_file``, checked to exist.

    Args:
        data_root (str): Dataset root.
        split_file (str): Split file relative to the root, one id a line.
        fields (dict): Sample key (``'img_path'``, ``'depth_path'``, ...) ->
            path template relative to the root with ``{id}``, or a sequence
            of templates of which the first existing file is taken.
        name (str): Dataset name for the messages.
        layout (str): Expected layout, for the messages.
        docs_page (str): Where the docs explain the data.

    Returns:
        list[dict[str, str]]: One dict of paths (and ``sample_id``) per id.

    Raises:
        FileNotFoundError: The root or split file is missing, the split
            file lists nothing, or files are missing (up to
            :data:`MAX_LISTED` named).
    """
    check_data_root(data_root, layout, docs_page)
    split_path = osp.join(data_root, split_file)
    if not osp.isfile(split_path):
        raise FileNotFoundError(f'{name} split file {split_path!r} does not '
                                f'exist. Expected layout:\n{layout}\nSee '
                                f'{docs_page}.')
    with open(split_path) as file:
        ids = [line.strip() for line in file if line.strip()]
    if not ids:
        raise FileNotFoundError(f'{name} split file {split_path!r} lists no '
                                'sample')
    samples, missing = [], []
    for sample_id in ids:
        sample = dict(sample_id=sample_id)
        for key, templates in fields.items():
            if isinstance(templates, str):
                templates = (templates, )
            paths = [osp.join(data_root, template.format(id=sample_id))
                     for template in templates]
            found = [path for path in paths if osp.isfile(path)]
            if found:
                sample[key] = found[0]
            else:
                missing.append(' or '.join(paths))
        samples.append(sample)
    if missing:
        shown = '\n  '.join(missing[:MAX_LISTED])
        raise FileNotFoundError(
            f'{name}: {len(missing)} files of the samples listed in '
            f'{split_path!r} do not exist, e.g.:\n  {shown}\nExpected '
            f'layout:\n{layout}\nSee {docs_page}.')
    return samples
