"""What the config-grid generators in ``tools/`` share: write or check."""
import argparse
import os.path as osp
import sys
from typing import Callable, Dict

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def out_of_date(files: Dict[str, str], root: str = ROOT) -> Dict[str, str]:
    """Generated files that are missing or differ on disk, with the reason.

    Args:
        files (dict): Path relative to ``root`` -> expected text.
        root (str): The repository root.

    Returns:
        dict: Path -> ``'missing'`` or ``'differs'``.
    """
    stale = {}
    for path, text in files.items():
        full = osp.join(root, path)
        if not osp.isfile(full):
            stale[path] = 'missing'
        elif open(full).read() != text:
            stale[path] = 'differs'
    return stale


def generator_main(render_all: Callable[[], Dict[str, str]],
                   description: str) -> None:
    """Command line of a generator: write every file, or ``--check`` them.

    Args:
        render_all (callable): Returns path (relative to the repository
            root) -> text of every generated file.
        description (str): The ``--help`` description.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--check', action='store_true',
                        help='only report files that are out of date '
                        '(exit 1 if any)')
    args = parser.parse_args()
    files = render_all()
    if args.check:
        stale = out_of_date(files)
        for path, reason in sorted(stale.items()):
            print(f'{reason}: {path}')
        sys.exit(1 if stale else 0)
    for path, text in files.items():
        with open(osp.join(ROOT, path), 'w') as file:
            file.write(text)
    print(f'wrote {len(files)} configs')
