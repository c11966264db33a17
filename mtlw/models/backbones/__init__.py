"""Encoder wrappers: the DeepLab encoder and the per-column encoders."""
from .deeplab_encoder import DeepLabEncoder
from .encoder_columns import EncoderColumns

__all__ = ['DeepLabEncoder', 'EncoderColumns']
