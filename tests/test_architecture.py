"""The rooms of the package and the imports allowed between them
(docs/architecture.md)."""
import ast
import pathlib

import pytest

import mtlw.weighting

PACKAGE = pathlib.Path(mtlw.__file__).parent

#: Room -> the rooms it may import from. ``weighting`` is the public API of
#: mtlw.weighting (its ``__all__``), ``weighting.*`` any of its modules.
ALLOWED = {
    'compat': set(),
    'registry': set(),
    'version': set(),
    'structures': {'registry'},
    'weighting': {'registry', 'structures', 'weighting.*'},
    'models': {'registry', 'structures', 'weighting', 'models'},
    'datasets': {'registry', 'structures', 'datasets'},
    'evaluation': {'registry', 'structures', 'evaluation'},
    'visualization': {'registry', 'structures', 'visualization'},
    'engine': {'compat', 'registry', 'structures', 'weighting',
               'visualization', 'engine'},
    'utils': {'registry', 'utils'},
}


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imported(path: pathlib.Path):
    """(module, names) of every ``mtlw`` import of a file, absolute."""
    here = module_name(path)
    package = here if path.name == '__init__.py' else here.rsplit('.', 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ''
            if node.level:
                parts = package.split('.')
                base = parts[:len(parts) - node.level + 1]
                module = '.'.join(base + ([module] if module else []))
            yield module, [alias.name for alias in node.names]


def room_of(module: str, names) -> str:
    parts = module.split('.')
    if parts[0] != 'mtlw':
        return None
    if len(parts) == 1:
        return 'mtlw'
    if parts[1] == 'weighting' and len(parts) > 2:
        return 'weighting.*'
    return parts[1]


def crossings():
    found = []
    for path in sorted(PACKAGE.rglob('*.py')):
        if path.parent == PACKAGE and path.name == '__init__.py':
            continue
        room = module_name(path).split('.')[1]
        allowed = ALLOWED.get(room)
        assert allowed is not None, f'{path}: room {room!r} has no rule'
        for module, names in imported(path):
            target = room_of(module, names)
            if target is None or target == room and room != 'weighting':
                continue
            if room == 'weighting' and target in ('weighting',
                                                  'weighting.*'):
                continue
            if target == 'weighting':
                public = set(mtlw.weighting.__all__)
                if set(names) - public:
                    target = 'weighting.*'
            if target not in allowed:
                found.append(f'{path.relative_to(PACKAGE.parent)} imports '
                             f'{module} ({", ".join(names)})')
    return found


def test_every_import_follows_the_rooms():
    assert crossings() == []


@pytest.mark.parametrize('source, room, expected', [
    ('from mtlw.weighting.base import BaseWeighter', 'models', 'weighting.*'),
    ('from mtlw.weighting import WeightedLossMixin', 'models', 'weighting'),
    ('from mtlw.models import DenseTask', 'evaluation', 'models'),
])
def test_the_check_sees_a_crossing(tmp_path, source, room, expected):
    tree = ast.parse(source)
    node = tree.body[0]
    target = room_of(node.module, [a.name for a in node.names])
    if target == 'weighting' and {a.name for a in node.names} - set(
            mtlw.weighting.__all__):
        target = 'weighting.*'
    assert target == expected
    assert expected not in ALLOWED[room] or expected == 'weighting'
