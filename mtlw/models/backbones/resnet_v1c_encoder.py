"""mmseg's ResNetV1c that starts from OpenMMLab's ImageNet weights on
request."""
from typing import Optional

from mmengine.runner import checkpoint as mmengine_checkpoint
from mmseg.models.backbones import ResNetV1c

from mtlw.registry import MODELS
from .pretrained_weights import (StateDict, load_checked, source_weights,
                                 unwrap_state_dict)

#: OpenMMLab's ImageNet weights of ResNetV1c-50 (``open-mmlab://resnet50_v1c``
#: in mmseg's configs).
RESNET50_V1C_URL = ('https://download.openmmlab.com/pretrain/third_party/'
                    'resnet50_v1c-2cccc1ad.pth')
#: The ImageNet classifier, present in the file, absent from the encoder.
CLASSIFIER = ('fc.weight', 'fc.bias')


def download_openmmlab_weights(url: str) -> StateDict:
    """The state dict at ``url`` (network on first use, torch's cache
    afterwards)."""
    return unwrap_state_dict(
        mmengine_checkpoint.load_from_http(url, map_location='cpu'))


@MODELS.register_module()
class ResNetV1cEncoder(ResNetV1c):
    """mmseg's ResNetV1c (deep stem) with the ``pretrained`` /
    ``checkpoint`` arguments of :class:`TimmEncoder`.

    ``pretrained=True`` fetches OpenMMLab's ImageNet weights of
    ResNetV1c-50 (``url``, mmseg's ``open-mmlab://resnet50_v1c``) on first
    use; ``checkpoint=PATH`` loads a local file instead, checked first. The
    weights are loaded when the encoder is built, so that a missing file or
    an unreachable server is reported at once.

    Args:
        pretrained (bool): Start from the ImageNet weights.
        checkpoint (str, optional): A local file with those weights; loaded
            whenever given.
        url (str): Where the weights are fetched from.
        **kwargs: mmseg ``ResNetV1c`` arguments (``depth``, ``dilations``,
            ``strides``, ...).
    """

    def __init__(self,
                 pretrained: bool = False,
                 checkpoint: Optional[str] = None,
                 url: str = RESNET50_V1C_URL,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if pretrained or checkpoint is not None:
            self.load_weights(checkpoint, url)

    def load_weights(self, checkpoint: Optional[str], url: str) -> None:
        """Load the ImageNet weights (local file or download)."""
        model = f'ResNetV1c-{self.depth}'
        weights = source_weights(
            checkpoint, lambda: download_openmmlab_weights(url), model, url,
            url.rsplit('/', 1)[-1])
        load_checked(self, weights, CLASSIFIER, checkpoint or url, model)
