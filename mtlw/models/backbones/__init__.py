"""Encoder wrappers: the DeepLab encoder, the per-column encoders and an
encoder cut into stages."""
from .deeplab_encoder import DeepLabEncoder
from .encoder_columns import EncoderColumns
from .encoder_stages import EncoderStages

__all__ = ['DeepLabEncoder', 'EncoderColumns', 'EncoderStages']
