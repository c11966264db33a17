"""The weighted variant of every other trainable mmseg segmentor.

``WeightedEncoderDecoder`` has its own file; the segmentors here need
nothing beyond :func:`~mtlw.weighting.with_weighter`: their heads return
unweighted loss terms (``decode.loss_ce``, ``aux.loss_ce``, ...) that the
weighter combines. ``SegTTAModel`` is left out: it only tests.
"""
from mmseg.models.segmentors import (CascadeEncoderDecoder, DepthEstimator,
                                     MultimodalEncoderDecoder)

from mtlw.registry import MODELS
from mtlw.weighting import with_weighter


def _register(model_cls: type) -> type:
    """Register ``Weighted<Name>`` as a class of this module."""
    return MODELS.register_module(module=with_weighter(model_cls, __name__))


WeightedCascadeEncoderDecoder = _register(CascadeEncoderDecoder)
WeightedDepthEstimator = _register(DepthEstimator)
WeightedMultimodalEncoderDecoder = _register(MultimodalEncoderDecoder)
