from .weighted_encoder_decoder import WeightedEncoderDecoder

__all__ = ['WeightedEncoderDecoder']
