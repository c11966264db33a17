"""Encoders and encoder wrappers: the DeepLab encoder, the per-column
encoders, SegNet and the stage-wise ResNet."""
from .deeplab_encoder import DeepLabEncoder
from .encoder_columns import EncoderColumns
from .segnet import SegNet
from .staged_resnet import StagedResNet

__all__ = ['DeepLabEncoder', 'EncoderColumns', 'SegNet', 'StagedResNet']
