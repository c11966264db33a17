"""What ``tools/train.py`` and ``tools/test.py`` share: config set-up and the
distributed start that also works on CPU-only machines."""
import inspect
import logging
import os
import os.path as osp
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log

from mtlw.registry import WEIGHTERS

#: Environment variable that forces the torch.distributed backend.
BACKEND_ENV = 'MTLW_DIST_BACKEND'

#: The ``--cfg-options`` key of the model's weighter.
WEIGHTER_KEY = 'model.weighter'


def load_config(path: str, launcher: str, work_dir: Optional[str],
                cfg_options: Optional[dict],
                weighter: Optional[str] = None) -> Config:
    """Read a config, apply command-line options and prepare distribution.

    Args:
        path (str): Config file.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
        work_dir (str, optional): Overrides the config's ``work_dir``; by
            default ``./work_dirs/<config name>``.
        cfg_options (dict, optional): ``--cfg-options`` overrides.
        weighter (str, optional): A weighter base to use instead of the
            config's (see :func:`use_weighter_base`), before the options.

    Returns:
        Config: The config, ready for ``Runner.from_cfg``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if weighter is not None:
        use_weighter_base(cfg, path, weighter)
    if cfg_options:
        cfg.merge_from_dict(switch_weighter(cfg, cfg_options))
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    if launcher != 'none':
        setup_distributed(cfg)
    return cfg


def switch_weighter(cfg: Config, cfg_options: dict) -> dict:
    """Replace the config's whole weighter when the options name a new one.

    ``model.weighter.type=DWA`` (or ``model.weighter=DWA``) replaces
    ``model.weighter`` by ``dict(type='DWA')`` plus the other
    ``model.weighter.<key>=...`` options, so that arguments of the config's
    own rule (``variant``, ``groups``, ...) do not reach the new one.
    Without a new type, ``model.weighter.<key>=...`` changes one argument of
    the config's weighter as usual.

    Args:
        cfg (Config): The config; its ``model.weighter`` is replaced.
        cfg_options (dict): ``--cfg-options`` overrides.

    Returns:
        dict: The overrides left for ``Config.merge_from_dict``.
    """
    prefix = WEIGHTER_KEY + '.'
    args = {key: value for key, value in cfg_options.items()
            if key.startswith(prefix)}
    if WEIGHTER_KEY not in cfg_options and prefix + 'type' not in args:
        return cfg_options
    new = weighter_from_option(cfg_options.get(WEIGHTER_KEY, {}))
    old = cfg.model.get('weighter')
    cfg.model.weighter = new
    cfg.merge_from_dict(args)
    print_log(f'--cfg-options: model.weighter {old} replaced by '
              f'{cfg.model.weighter}', logger='current', level=logging.INFO)
    return {key: value for key, value in cfg_options.items()
            if key != WEIGHTER_KEY and key not in args}


def use_weighter_base(cfg: Config, path: str, name: str) -> None:
    """Train with the rule of ``configs/_base_/weighters/<name>.py``.

    The rule becomes the model's weighter or, when that is a
    :class:`~mtlw.weighting.HierarchicalWeighting`, its rule across the
    groups (the tasks of the multi-task configs), the place every rule of
    the generated grids takes. A rule that learns one value per loss gets
    ``num_losses`` from the groups or from the config's weighter. The base
    is looked up beside the config (the nearest ``_base_/weighters`` folder
    above it).

    Args:
        cfg (Config): The config; its weighter is replaced.
        path (str): The config file.
        name (str): The base's name, e.g. ``'pcgrad'``.

    Raises:
        FileNotFoundError: No such base; the available ones are listed.
    """
    folder = weighter_bases_folder(path)
    base = osp.join(folder, f'{name}.py')
    if not osp.isfile(base):
        names = sorted(osp.splitext(f)[0] for f in os.listdir(folder)
                       if f.endswith('.py'))
        raise FileNotFoundError(f'--weighter {name}: no {base}; the weighter '
                                f'bases are {names}')
    rule = Config.fromfile(base).weighter.to_dict()
    current = cfg.model.get('weighter') or {}
    across_groups = current.get('type') == 'HierarchicalWeighting'
    known = (len(current['groups']) if across_groups
             else current.get('num_losses'))
    takes_count = 'num_losses' in inspect.signature(
        WEIGHTERS.get(rule['type'])).parameters
    if takes_count and known and 'num_losses' not in rule:
        rule['num_losses'] = known
    if across_groups:
        cfg.model.weighter.outer = rule
    else:
        cfg.model.weighter = rule
    print_log(f'--weighter {name}: model.weighter is {cfg.model.weighter}',
              logger='current', level=logging.INFO)


def weighter_bases_folder(path: str) -> str:
    """The nearest ``_base_/weighters`` folder above a config file."""
    folder = osp.dirname(osp.abspath(path))
    while True:
        candidate = osp.join(folder, '_base_', 'weighters')
        if osp.isdir(candidate):
            return candidate
        parent = osp.dirname(folder)
        if parent == folder:
            raise FileNotFoundError(
                f'--weighter: no _base_/weighters folder above {path}')
        folder = parent


def weighter_from_option(value) -> dict:
    """The weighter config a ``model.weighter=...`` option starts from.

    Args:
        value: A registered type name or a dict with ``type`` (``{}`` when
            only ``model.weighter.type=...`` is given).

    Returns:
        dict: A new weighter config.

    Raises:
        ValueError: ``value`` is neither.
    """
    if isinstance(value, str) and value.isidentifier():
        return dict(type=value)
    if isinstance(value, dict) and ('type' in value or not value):
        return dict(value)
    raise ValueError(
        f'{WEIGHTER_KEY}={value!r}: expected a weighter type name, e.g. '
        f'{WEIGHTER_KEY}=DWA or {WEIGHTER_KEY}.type=DWA, with arguments as '
        f'{WEIGHTER_KEY}.<argument>=<value>')


def dist_backend() -> str:
    """The backend to use: ``$MTLW_DIST_BACKEND``, else NCCL on GPUs and gloo
    on CPU-only machines."""
    return os.environ.get(BACKEND_ENV) or (
        'nccl' if torch.cuda.is_available() else 'gloo')


def setup_distributed(cfg: Config) -> None:
    """Use gloo on CPU: start its process group before the Runner exists.

    mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device``, which
    fails without a GPU, and its DDP wrapper passes ``device_ids``, which DDP
    rejects for CPU modules. With the process group already initialised
    mmengine skips its own start; ``device_ids=None`` suits CPU modules. On
    GPUs nothing changes (NCCL and mmengine's defaults).

    Args:
        cfg (Config): The config; ``env_cfg`` and ``model_wrapper_cfg`` are
            set for gloo.
    """
    backend = dist_backend()
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = \
        backend
    if backend != 'gloo' or dist.is_initialized():
        return
    if 'RANK' not in os.environ:
        raise RuntimeError('--launcher pytorch expects torchrun variables '
                           '(RANK, WORLD_SIZE, ...): use tools/dist_train.sh')
    dist.init_process_group(backend='gloo')
    wrapper = dict(cfg.get('model_wrapper_cfg') or
                   dict(type='MMDistributedDataParallel'))
    wrapper['device_ids'] = None
    # as mmengine's default wrapper on GPUs: rank 0's buffers are not
    # broadcast before every forward (per-rank weighter state survives)
    wrapper.setdefault('broadcast_buffers', False)
    cfg.model_wrapper_cfg = wrapper
