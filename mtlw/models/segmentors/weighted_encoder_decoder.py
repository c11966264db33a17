"""mmseg's EncoderDecoder with its losses combined by a weighter."""
from mmseg.models.segmentors import EncoderDecoder

from mtlw.registry import MODELS
from mtlw.weighting import WeightedLossMixin


@MODELS.register_module()
class WeightedEncoderDecoder(WeightedLossMixin, EncoderDecoder):
    """EncoderDecoder whose decode/auxiliary losses go through a weighter.

    The heads return their loss terms unweighted (set ``loss_weight=1.0`` in
    their ``loss_decode``); ``weighter`` combines ``decode.loss_ce``,
    ``decode.loss_se``, ``aux.loss_ce``, ... into the total. All arguments of
    :class:`mmseg.models.EncoderDecoder` are accepted.

    Args:
        weighter (dict, optional): A :data:`mtlw.registry.WEIGHTERS` config;
            the plain sum when omitted.
        shared (str, optional): Shared module for gradient-based weighters,
            e.g. ``'backbone'``.
    """

    #: What :func:`~mtlw.weighting.with_weighter` returns for EncoderDecoder.
    weighted_variant_of = EncoderDecoder
