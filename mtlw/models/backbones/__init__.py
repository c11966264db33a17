"""Encoders and encoder wrappers: timm and mmseg encoders that start from
ImageNet weights, the DeepLab encoder and the per-column encoders."""
from .deeplab_encoder import DeepLabEncoder
from .encoder_columns import EncoderColumns
from .pretrained_weights import (CHECKPOINT_KEY, PretrainedWeightsError,
                                 without_pretrained_weights)
from .resnet_v1c_encoder import ResNetV1cEncoder
from .timm_encoder import TimmEncoder

__all__ = [
    'CHECKPOINT_KEY', 'DeepLabEncoder', 'EncoderColumns',
    'PretrainedWeightsError', 'ResNetV1cEncoder', 'TimmEncoder',
    'without_pretrained_weights'
]
