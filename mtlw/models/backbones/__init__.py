"""Encoder wrappers: pretrained timm and ResNetV1c encoders, the DeepLab
encoder, the per-column encoders and an encoder cut into stages."""
from .deeplab_encoder import DeepLabEncoder
from .encoder_columns import EncoderColumns
from .encoder_stages import EncoderStages
from .pretrained_weights import (CHECKPOINT_KEY, PretrainedWeightsError,
                                 without_pretrained_weights)
from .resnet_v1c_encoder import ResNetV1cEncoder
from .segnet import SegNet
from .staged_resnet import StagedResNet
from .timm_encoder import TimmEncoder

__all__ = [
    'CHECKPOINT_KEY', 'DeepLabEncoder', 'EncoderColumns', 'EncoderStages',
    'PretrainedWeightsError', 'ResNetV1cEncoder', 'SegNet', 'StagedResNet',
    'TimmEncoder', 'without_pretrained_weights'
]
