"""The papers' tables as data: rows, metrics, seeds and the papers' numbers.

Each paper has one YAML file in ``mtlw/utils/tables/`` (``cov``, ``lsb``,
``deeplab``, ``synergy``) listing its tables; each table names where it is
in the paper, the data it needs, its seeds, its columns (the metric key in
the run logs, whether lower or higher is better, and the factor ``scale``
that turns a logged value into the paper's unit) and its rows (a method, the
config and the options of its runs, the paper's value per column; ``null``
where the paper has none). A table of ``kind: win_rate`` (CoV-Weighting
Table 5) lists its models instead and compares every row model with every
column model image by image. A column with ``relative_to: <baseline>``
shows the relative change against the run of one of the table's
``baselines`` (method -> config, trained with the rows but not rows
themselves): ``(ours - base) / base`` for a higher-is-better metric,
``(base - ours) / base`` for a lower-is-better one, so that an improvement
is positive either way (:func:`relative_change`; the synergy supplement's
Tables 1-2 against its single-task networks). ``step_times.yaml`` holds
the measured seconds per training step behind the GPU-hour estimates.

:func:`load_table` reads and checks a table, :func:`synthscenes_twin` maps a
real-data config to its SynthScenes twin, :func:`format_table` prints the
measured numbers next to the paper's with the gap per cell.
"""
import fnmatch
import math
import os
import os.path as osp
import re
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence

import yaml

TABLES_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'tables')
STEP_TIMES = osp.join(TABLES_DIR, 'step_times.yaml')
#: Leading name parts of the real datasets (and of the encoders that follow
#: them) that a SynthScenes twin replaces by ``synthscenes``.
REAL_DATA = re.compile(
    r'^(?:kitti_cityscapes|cityscapes|kitti|pcontext(?:_r50v1c)?|miniscapes'
    r'|nyuv2_(?:mobilenetv2|pnasnet)|nyuv2_40|nyuv2_4|nyuv2)_')


class Metric(NamedTuple):
    """One column of a table."""

    #: Column title as the paper prints it.
    column: str
    #: Key of the metric in the run logs.
    key: str
    #: ``'lower'`` or ``'higher'``.
    better: str
    #: Logged value times ``scale`` is in the paper's unit.
    scale: float = 1.0
    #: The baseline (a key of ``Table.baselines``) the column is relative
    #: to; None: absolute values.
    relative_to: Optional[str] = None


class Row(NamedTuple):
    """One row of a table."""

    #: Method as the paper names it.
    method: str
    #: Config of its runs (None: a win-rate row, its model is in ``models``).
    config: Optional[str]
    #: ``key=value`` options of its runs.
    options: tuple
    #: The paper's value per column (None where the paper has none).
    paper: tuple
    #: Replaces the part before ``/`` of every metric key (one run read in
    #: several depth ranges).
    key_prefix: Optional[str] = None


class Table(NamedTuple):
    """One table of a paper."""

    #: Paper key (YAML file name).
    paper: str
    #: Table key.
    name: str
    #: What the table shows.
    caption: str
    #: Where it is in the paper.
    reference: str
    #: The data its runs need.
    data: str
    #: Seeds; one run per method and seed.
    seeds: tuple
    #: Columns (empty for a win-rate table).
    metrics: tuple
    #: Rows.
    rows: tuple
    #: ``'metrics'`` or ``'win_rate'``.
    kind: str = 'metrics'
    #: Win-rate tables: model name -> config.
    models: Optional[Dict[str, str]] = None
    #: Win-rate tables: the column models.
    columns: tuple = ()
    #: Remarks on the transcription.
    note: str = ''
    #: Baseline method -> config of the runs that relative columns compare
    #: against (not rows of the table).
    baselines: Optional[Dict[str, str]] = None


def papers() -> List[str]:
    """The papers with a table file."""
    return sorted(osp.splitext(name)[0] for name in os.listdir(TABLES_DIR)
                  if name.endswith('.yaml') and name != 'step_times.yaml')


def load_paper(paper: str) -> dict:
    """The parsed table file of ``paper``.

    Raises:
        KeyError: No such paper (the known ones are named).
    """
    if paper not in papers():
        raise KeyError(f'paper {paper!r} has no table file; known papers: '
                       f'{papers()}')
    with open(osp.join(TABLES_DIR, f'{paper}.yaml')) as file:
        return yaml.safe_load(file)


def table_names(paper: str) -> List[str]:
    """The tables of ``paper`` in file order."""
    return list(load_paper(paper)['tables'])


def load_table(paper: str, name: str) -> Table:
    """Read and check one table.

    Raises:
        KeyError: Unknown paper or table (the known ones are named).
        ValueError: A row whose paper values do not match the columns, or a
            column whose ``better`` is neither ``lower`` nor ``higher``.
    """
    tables = load_paper(paper)['tables']
    if name not in tables:
        raise KeyError(f'{paper} has no table {name!r}; its tables: '
                       f'{list(tables)}')
    spec = tables[name]
    metrics = tuple(Metric(m['column'], m['key'], m['better'],
                           float(m.get('scale', 1.0)), m.get('relative_to'))
                    for m in spec.get('metrics', []))
    baselines = spec.get('baselines')
    for metric in metrics:
        if metric.better not in ('lower', 'higher'):
            raise ValueError(f'{paper} {name}: column {metric.column} has '
                             f'better={metric.better!r}, expected lower or '
                             'higher')
        if metric.relative_to is not None and \
                metric.relative_to not in (baselines or {}):
            raise ValueError(f'{paper} {name}: column {metric.column} is '
                             f'relative_to={metric.relative_to!r}, not one '
                             f'of the baselines {sorted(baselines or {})}')
    kind = spec.get('kind', 'metrics')
    columns = tuple(spec.get('columns', ()))
    width = len(columns) if kind == 'win_rate' else len(metrics)
    rows = []
    for row in spec['rows']:
        unknown = set(row) - set(Row._fields)
        if unknown:
            raise ValueError(f'{paper} {name}: row {row} has unknown keys '
                             f'{sorted(unknown)}; a row has {Row._fields} '
                             '(quote a method name that holds a comma)')
        paper_values = tuple(row['paper'])
        if len(paper_values) != width:
            raise ValueError(f'{paper} {name}: row {row["method"]} has '
                             f'{len(paper_values)} paper values for '
                             f'{width} columns')
        rows.append(Row(str(row['method']), row.get('config'),
                        tuple(row.get('options', ())), paper_values,
                        row.get('key_prefix')))
    return Table(paper, name, spec['caption'], spec['reference'],
                 spec['data'], tuple(spec['seeds']), metrics, tuple(rows),
                 kind, spec.get('models'), columns,
                 ' '.join(spec.get('note', '').split()), baselines)


def runs_of(table: Table) -> Dict[str, tuple]:
    """``{method: (config, options)}`` of the runs a table needs (the models
    of a win-rate table, else the rows)."""
    if table.kind == 'win_rate':
        return {name: (config, ()) for name, config in table.models.items()}
    runs = {name: (config, ())
            for name, config in (table.baselines or {}).items()}
    runs.update((row.method, (row.config, row.options)) for row in table.rows)
    return runs


def synthscenes_twin(config: str) -> str:
    """The SynthScenes twin of a real-data config: the dataset (and encoder)
    part of the file name becomes ``synthscenes`` in the same folder
    (``configs/monodepth/kitti_cov.py`` -> ``configs/monodepth/
    synthscenes_cov.py``, ``configs/pixelwise/
    nyuv2_mobilenetv2_crossstitch_lsb.py`` -> ``configs/pixelwise/
    synthscenes_crossstitch_lsb.py``, ``configs/synergy/
    kitti_cityscapes_weak_lateral_cov.py`` -> ``configs/synergy/
    synthscenes_weak_lateral_cov.py``). A config that is already a twin is
    returned as it is.

    Raises:
        ValueError: The name starts with no known dataset.
    """
    folder, name = osp.split(config)
    if name.startswith('synthscenes_'):
        return config
    twin, count = REAL_DATA.subn('synthscenes_', name, count=1)
    if not count:
        raise ValueError(f'{config}: its name starts with no known dataset '
                         f'({REAL_DATA.pattern}); cannot name its '
                         'SynthScenes twin')
    return osp.join(folder, twin)


def step_time(config: str, path: str = STEP_TIMES) -> Optional[dict]:
    """The measured step time entry of ``config`` (first matching pattern),
    or None when its family was never measured."""
    with open(path) as file:
        entries = yaml.safe_load(file)['entries']
    for entry in entries:
        if fnmatch.fnmatch(config, entry['configs']):
            return entry
    return None


def run_hours(unit: str, length: int, entry: Optional[dict]
              ) -> Optional[float]:
    """GPU hours of one run of ``length`` iterations or epochs.

    Returns:
        float | None: None when the family is unmeasured, or the schedule is
        in epochs and the entry does not give ``train_images``.
    """
    if entry is None:
        return None
    steps = length
    if unit == 'epoch':
        if not entry.get('train_images'):
            return None
        steps = length * math.ceil(entry['train_images'] / entry['batch'])
    return steps * float(entry['seconds_per_step']) / 3600.0


def metric_key(metric: Metric, row: Row) -> str:
    """The logged key of ``metric`` for ``row`` (``key_prefix`` applied)."""
    if row.key_prefix is None:
        return metric.key
    return f"{row.key_prefix}/{metric.key.split('/', 1)[-1]}"


def mean_metrics(results: Sequence[Mapping[str, float]]
                 ) -> Dict[str, float]:
    """Per key, the mean over the runs that logged it."""
    keys = {key for result in results for key in result}
    return {key: sum(r[key] for r in results if key in r) /
            sum(1 for r in results if key in r) for key in keys}


def _number(value: Optional[float], digits: int) -> str:
    return '-' if value is None else f'{value:.{digits}f}'


def _gap(ours: Optional[float], paper: Optional[float], digits: int) -> str:
    if ours is None or paper is None:
        return ''
    return f' ({ours - paper:+.{digits}f})'


def cell(ours: Optional[float], paper: Optional[float],
         digits: int = 4) -> str:
    """``'ours / paper (ours - paper)'``; ``-`` for a missing value."""
    return (f'{_number(ours, digits)} / {_number(paper, digits)}'
            f'{_gap(ours, paper, digits)}')


def measured_row(table: Table, row: Row,
                 metrics: Optional[Mapping[str, float]]
                 ) -> List[Optional[float]]:
    """A row's measured values in the paper's units (None: not measured)."""
    if metrics is None:
        return [None] * len(table.metrics)
    values = []
    for metric in table.metrics:
        value = metrics.get(metric_key(metric, row))
        values.append(None if value is None else value * metric.scale)
    return values


def relative_change(ours: Optional[float], base: Optional[float],
                    better: str) -> Optional[float]:
    """The relative change of ``ours`` against ``base``, positive when
    ``ours`` is better: ``(ours - base) / base`` if higher is better,
    ``(base - ours) / base`` if lower is (None if either is missing or
    ``base`` is 0)."""
    if ours is None or base is None or base == 0:
        return None
    change = (ours - base) / abs(base)
    return change if better == 'higher' else -change


def relative_values(table: Table, values: Sequence[Optional[float]],
                    baselines: Mapping[str, Sequence[Optional[float]]]
                    ) -> List[Optional[float]]:
    """A row's measured values with every ``relative_to`` column turned
    into its change against that baseline's value of the column."""
    out = list(values)
    for index, metric in enumerate(table.metrics):
        if metric.relative_to is not None:
            base = baselines.get(metric.relative_to)
            out[index] = relative_change(
                values[index], None if base is None else base[index],
                metric.better)
    return out


def format_table(table: Table,
                 measured: Mapping[str, Optional[Sequence[Optional[float]]]],
                 status: Optional[Mapping[str, str]] = None,
                 digits: int = 4) -> str:
    """A markdown table: per cell ``ours / paper (gap)``.

    Args:
        table (Table): The table.
        measured (Mapping): Row method -> measured values in the paper's
            units, one per column (None: not measured); relative columns
            already relative, baselines absolute.
        status (Mapping[str, str], optional): Row method -> a remark shown
            in a last column (e.g. ``missing config``).
        digits (int): Decimals of the numbers.

    Returns:
        str: Title, reference, the table and the note.
    """
    status = status or {}
    titles = (list(table.columns) if table.kind == 'win_rate' else
              [f'{m.column} ({m.better})' for m in table.metrics])
    lines = [f'{table.paper} {table.name}: {table.caption}',
             f'({table.reference}; each cell: ours / paper (ours - paper))',
             '',
             '| method | ' + ' | '.join(titles) + ' | status |',
             '|---' * (len(titles) + 2) + '|']
    for row in table.rows:
        ours = measured.get(row.method) or [None] * len(titles)
        cells = [cell(value, paper, digits)
                 for value, paper in zip(ours, row.paper)]
        lines.append(f'| {row.method} | ' + ' | '.join(cells) +
                     f' | {status.get(row.method, "")} |')
    rows = {row.method for row in table.rows}
    if table.baselines:
        lines += ['', 'Baselines (absolute values, ours):']
        for name in table.baselines:
            ours = measured.get(name) or [None] * len(titles)
            lines.append(f'- {name}: ' + ', '.join(
                f'{metric.column} {_number(value, digits)}'
                for metric, value in zip(table.metrics, ours)))
    others = [f'- {name}: {remark}' for name, remark in status.items()
              if remark and name not in rows]
    if others:
        lines += ['', 'Models not run:'] + others
    if table.note:
        lines += ['', f'Note: {table.note}']
    return '\n'.join(lines)
