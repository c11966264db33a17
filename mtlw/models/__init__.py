from .segmentors import WeightedEncoderDecoder

__all__ = ['WeightedEncoderDecoder']
