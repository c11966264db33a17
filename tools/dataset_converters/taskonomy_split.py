"""Write the 1/100 Taskonomy view lists of the Loss Scale Balancing study.

Example (buildings of the tiny split's train / test parts, one per line)::

    python tools/dataset_converters/taskonomy_split.py data/taskonomy \
        --buildings-file tiny_train_buildings.txt \
        --out data/taskonomy/splits/train.txt
"""
import argparse

from mtlw.datasets.taskonomy_split import (build_taskonomy_split,
                                           write_view_list)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='folder with <building>/rgb/')
    parser.add_argument('--buildings', nargs='*', default=[],
                        help='building names')
    parser.add_argument('--buildings-file',
                        help='a file with one building name a line')
    parser.add_argument('--ratio', type=int, default=100,
                        help='keep one view in RATIO (default 100)')
    parser.add_argument('--out', required=True, help='the list to write')
    args = parser.parse_args()
    buildings = list(args.buildings)
    if args.buildings_file:
        with open(args.buildings_file) as file:
            buildings += [line.strip() for line in file if line.strip()]
    views = build_taskonomy_split(args.data_root, buildings, args.ratio)
    write_view_list(args.out, views, [
        f'Taskonomy, 1/{args.ratio} of the views of {len(buildings)} '
        'buildings (every n-th, sorted), tools/dataset_converters/'
        'taskonomy_split.py'])
    print(f'{len(views)} views -> {args.out}')


if __name__ == '__main__':
    main()
