"""What ``tools/train.py`` and ``tools/test.py`` share: config set-up and the
distributed start that also works on CPU-only machines."""
import os
import os.path as osp
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.config import Config

#: Environment variable that forces the torch.distributed backend.
BACKEND_ENV = 'MTLW_DIST_BACKEND'


def load_config(path: str, launcher: str, work_dir: Optional[str],
                cfg_options: Optional[dict]) -> Config:
    """Read a config, apply command-line options and prepare distribution.

    Args:
        path (str): Config file.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
        work_dir (str, optional): Overrides the config's ``work_dir``; by
            default ``./work_dirs/<config name>``.
        cfg_options (dict, optional): ``--cfg-options`` overrides.

    Returns:
        Config: The config, ready for ``Runner.from_cfg``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    if launcher != 'none':
        setup_distributed(cfg)
    return cfg


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
    cfg.model_wrapper_cfg = wrapper
