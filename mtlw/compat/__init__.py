"""Makes the OpenMMLab stack run on current PyTorch; imported first by mtlw."""
from .checkpoint import allow_mmengine_checkpoint_globals
from .mmcv_ext import (MissingCompiledOpError, compiled_extension_available,
                       install_mmcv_ext_stand_in)

install_mmcv_ext_stand_in()
allow_mmengine_checkpoint_globals()

__all__ = [
    'MissingCompiledOpError', 'compiled_extension_available',
    'install_mmcv_ext_stand_in', 'allow_mmengine_checkpoint_globals'
]
