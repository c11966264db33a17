"""A timm encoder that starts from ImageNet weights on request."""
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Set, Tuple

import timm
import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS
from .pretrained_weights import StateDict, check_keys, source_weights

#: Prefix timm's hook-based feature wrapper (PNASNet) adds to every key.
HOOK_PREFIX = 'body.'
#: The modules of timm's EfficientNet family (MobileNetV2 included) that
#: follow the last stage: the 1x1 conv and its batch norm + activation.
HEAD_MODULES = ('conv_head', 'bn2')
#: ``timm.create_model`` arguments that only the feature wrappers take
#: (HRNet's ``feature_location``); the whole model is built without them.
FEATURE_ONLY_ARGUMENTS = ('feature_location', )


def download_timm_weights(model_name: str) -> StateDict:
    """timm's default ImageNet weights of ``model_name`` (network on first
    use, timm's cache afterwards)."""
    return timm.create_model(model_name, pretrained=True).state_dict()


def timm_source(model_name: str) -> Tuple[str, str]:
    """Where timm fetches ``model_name``'s weights, and a file name for them.

    Args:
        model_name (str): A timm model name.

    Returns:
        tuple[str, str]: The source (Hugging Face Hub repository or URL)
        and a name for the local file.
    """
    cfg = timm.models.get_pretrained_cfg(model_name)
    if cfg is not None and cfg.hf_hub_id:
        file_name = cfg.hf_hub_filename or 'model.safetensors'
        suffix = file_name.rsplit('.', 1)[-1]
        return (f'https://huggingface.co/{cfg.hf_hub_id} ({file_name})',
                f'{model_name}.{suffix}')
    if cfg is not None and cfg.url:
        return cfg.url, cfg.url.rsplit('/', 1)[-1]
    return f"timm's pretrained config of {model_name}", f'{model_name}.pth'


def full_model_keys(model_name: str, **kwargs) -> Set[str]:
    """The state-dict keys of the whole timm model (classifier included),
    built on the meta device (no memory, no weights); arguments of the
    feature wrappers alone (:data:`FEATURE_ONLY_ARGUMENTS`) are dropped."""
    kwargs = {key: value for key, value in kwargs.items()
              if key not in FEATURE_ONLY_ARGUMENTS}
    with torch.device('meta'):
        return set(timm.create_model(model_name, **kwargs).state_dict())


def head_of(model_name: str) -> nn.Sequential:
    """The modules after the last stage of a timm EfficientNet-family model
    (``conv_head`` and ``bn2``, the latter with its activation).

    Args:
        model_name (str): A timm model that has ``conv_head`` and ``bn2``.

    Returns:
        nn.Sequential: The two modules, named as in timm.

    Raises:
        ValueError: The model has no such head.
    """
    model = timm.create_model(model_name, num_classes=0)
    if not all(isinstance(getattr(model, name, None), nn.Module)
               for name in HEAD_MODULES):
        raise ValueError(
            f'head_conv=True needs a timm model with {HEAD_MODULES} after '
            f'its last stage (MobileNetV2, EfficientNet); {model_name!r} '
            'has none')
    return nn.Sequential(
        OrderedDict((name, getattr(model, name)) for name in HEAD_MODULES))


@MODELS.register_module()
class TimmEncoder(BaseModule):
    """A timm model as a multi-scale encoder (``features_only``), starting
    from ImageNet weights when asked.

    ``pretrained=True`` fetches timm's default ImageNet weights of
    ``model_name`` on first use; ``checkpoint=PATH`` loads a local file
    (timm's state dict, ``.pth`` or ``.safetensors``) instead, checked
    first: a missing file or foreign keys are errors. When the download
    fails (no network) the error names the file and the config key
    ``model.backbone.checkpoint``.

    ``head_conv=True`` keeps what follows the last stage of MobileNetV2
    (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
    Bottlenecks", CVPR 2018): the 1x1 conv to 1280 channels with its batch
    norm and ReLU6, applied to the last stage's map, as the encoder of Lee,
    Lee and Kim ("Loss Scale Balancing", ICCV 2021, supplement section 1)
    drops only the classifier.

    Args:
        model_name (str): timm model name, e.g. ``'resnet50'``.
        pretrained (bool): Start from timm's ImageNet weights.
        checkpoint (str, optional): A local file with those weights; loaded
            whenever given.
        out_indices (Sequence[int]): Feature levels returned, finest first.
        head_conv (bool): Apply the model's final 1x1 conv + BN + act to
            the last returned map (it must be the last stage).
        init_cfg (dict, optional): mmengine initialisation config.
        **kwargs: Further ``timm.create_model`` arguments (e.g.
            ``output_stride``).
    """

    def __init__(self,
                 model_name: str,
                 pretrained: bool = False,
                 checkpoint: Optional[str] = None,
                 out_indices: Sequence[int] = (0, 1, 2, 3, 4),
                 head_conv: bool = False,
                 init_cfg: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(init_cfg)
        self.model_name = model_name
        self.timm_model = timm.create_model(
            model_name, features_only=True, out_indices=tuple(out_indices),
            **kwargs)
        info = self.timm_model.feature_info
        channels = list(info.channels())
        self.head = None
        if head_conv:
            if max(out_indices) != len(info.info) - 1:
                raise ValueError(
                    f'head_conv=True follows the last stage: out_indices '
                    f'must end with {len(info.info) - 1}, got '
                    f'{tuple(out_indices)}')
            self.head = head_of(model_name)
            channels[-1] = self.head.conv_head.out_channels
        #: Channels of the returned maps, finest first.
        self.out_channels: Tuple[int, ...] = tuple(channels)
        if pretrained or checkpoint is not None:
            self.load_weights(checkpoint, kwargs)

    def load_weights(self, checkpoint: Optional[str], kwargs: dict) -> None:
        """Load the ImageNet weights (local file or timm's download)."""
        source, file_name = timm_source(self.model_name)
        model = f"timm's {self.model_name}"
        weights = source_weights(
            checkpoint, lambda: download_timm_weights(self.model_name),
            model, source, file_name)
        targets = self._target_keys()
        needed = {key for key in targets.values()
                  if not key.endswith('num_batches_tracked')}
        check_keys(weights, needed,
                   full_model_keys(self.model_name, **kwargs),
                   checkpoint or source, model)
        state = self.state_dict()
        self.load_state_dict({
            own: weights.get(theirs, state[own])
            for own, theirs in targets.items()})
        self._is_init = True  # keep the weights through init_weights()

    def _target_keys(self) -> Dict[str, str]:
        """Own state-dict key -> key of the whole timm model's state dict."""
        targets = {}
        for key in self.state_dict():
            theirs = key.split('.', 1)[1]  # drop 'timm_model.' / 'head.'
            if key.startswith('timm_model.') and theirs.startswith(
                    HOOK_PREFIX):
                theirs = theirs[len(HOOK_PREFIX):]
            targets[key] = theirs
        return targets

    def forward(self, inputs: Tensor) -> Tuple[Tensor, ...]:
        """The maps of ``out_indices``, finest first (the last one through
        the head when ``head_conv``)."""
        features = list(self.timm_model(inputs))
        if self.head is not None:
            features[-1] = self.head(features[-1])
        return tuple(features)
