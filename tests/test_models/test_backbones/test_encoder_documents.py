"""Every encoder the configs build, against the channels and strides the
papers give. Encoders are built on the meta device (no weights, no memory)
and run on a meta image of the paper's input size, so even PNASNet-5-Large
costs well under a second."""
import os.path as osp
from typing import NamedTuple, Tuple

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mtlw.registry import MODELS

CONFIG_DIR = osp.join(osp.dirname(__file__), '..', '..', '..', 'configs')


class Encoder(NamedTuple):
    """One encoder of the configs and what the documents say of it."""

    #: A config that builds it (``+se_resnet50``: with that variant merged).
    config: str
    #: Input (height, width) the paper trains on.
    size: Tuple[int, int]
    #: Channels of the returned maps, finest first.
    channels: Tuple[int, ...]
    #: Their strides (input size / map size).
    strides: Tuple[int, ...]
    #: Where the numbers come from.
    reference: str


ENCODERS = [
    Encoder('pixelwise/nyuv2_mobilenetv2_crossstitch_lsb.py', (288, 384),
            (1280, ), (32, ),
            'Lee, Lee, Kim, Loss Scale Balancing, ICCV 2021, supplement '
            'section 1 and Table S-1: MobileNetV2 without its last layer, '
            '384x288 input -> 12x9 map of 1280 channels (Sandler et al., '
            'CVPR 2018, Table 2: the 1x1 conv to 1280 at 7x7 of 224)'),
    Encoder('pixelwise/nyuv2_pnasnet_crossstitch_lsb.py', (288, 384),
            (4320, ), (32, ),
            'Loss Scale Balancing supplement, Table S-1: PNASNet, 384x288 '
            'input -> 12x9x4320'),
    Encoder('pixelwise/taskonomy_8task_pnasnet_crossstitch_lsb.py',
            (256, 256), (4320, ), (32, ),
            'Loss Scale Balancing supplement, Table S-1: PNASNet on '
            'Taskonomy, 256x256 input, 4320 channels at stride 32'),
    Encoder('encnet/pcontext_cov.py', (384, 384), (256, 512, 1024, 2048),
            (4, 8, 8, 8),
            'Groenendijk et al., Multi-Loss Weighting with Coefficient of '
            'Variations, WACV 2021, supplement section 1.2: ResNet50 '
            'dilated in its third and fourth layers, predictions at 1/8; '
            'Encoding module on the last layer, FCN head on the one before'),
    Encoder('encnet/pcontext_r50v1c_cov.py', (384, 384),
            (256, 512, 1024, 2048), (4, 8, 8, 8),
            'CoV-Weighting supplement section 1.2, on mmseg ResNetV1c-50 '
            '(dilations 1, 1, 2, 4)'),
    Encoder('monodepth/kitti_cov.py', (256, 512), (64, 256, 512, 1024, 2048),
            (2, 4, 8, 16, 32),
            'CoV-Weighting supplement section 1.1: a ResNet50 at 256x512; '
            "the authors' encoder continues to stride 64, timm's stops at "
            '32 (docs/monodepth.md, deviations)'),
    Encoder('deeplab/cityscapes_branched_equal.py', (256, 512), (64, 512),
            (4, 16),
            'Argenziano and Pagani, Multi-Task Learning for Semantics and '
            'Depth (course report, 2022), sections 1.2 (b) and 1.3: '
            'ResNet34, last stride replaced by dilation 2, the 4x skip'),
    Encoder('deeplab/cityscapes_branched_equal.py+se_resnet50', (256, 512),
            (256, 2048), (4, 16),
            'The same report, section 4.1: the SE-ResNet50 encoder'),
    Encoder('synergy/nyuv2_40_lateral_equal.py', (480, 640), (2048, ),
            (32, ),
            'Jiao et al., Look Deeper into Depth, ECCV 2018, supplementary '
            'Table 3: res5c, 2048 channels at 1/32'),
    # The SynthScenes twins: small encoders, documented by their configs.
    Encoder('pixelwise/synthscenes_crossstitch_lsb.py', (64, 128), (160, ),
            (32, ), 'configs/_base_/pixelwise/synthscenes.py'),
    Encoder('encnet/synthscenes_cov.py', (64, 128), (24, 32, 96, 320),
            (4, 8, 16, 32), 'configs/_base_/models/encnet_mobilenetv2.py'),
    Encoder('monodepth/synthscenes_cov.py', (64, 128),
            (64, 64, 128, 256, 512), (2, 4, 8, 16, 32),
            'configs/_base_/models/monodepth_r18_tiny.py'),
    Encoder('deeplab/synthscenes_branched_equal.py', (64, 128), (64, 512),
            (4, 16), 'configs/_base_/deeplab/synthscenes.py'),
    Encoder('synergy/synthscenes_lateral_equal.py', (64, 128), (512, ),
            (32, ), 'configs/_base_/synergy/synthscenes.py'),
]


def model_config(name: str) -> Config:
    """The ``model`` of a config, a variant of it merged when named."""
    path, _, variant = name.partition('+')
    cfg = Config.fromfile(osp.join(CONFIG_DIR, path))
    if variant:
        cfg.merge_from_dict(dict(model=cfg[variant]))
    return cfg.model


def run_on_meta(backbone_cfg: dict, size: Tuple[int, int]):
    """The encoder built without weights and its outputs on a meta image."""
    backbone_cfg = dict(backbone_cfg, pretrained=False)
    with torch.device('meta'), DefaultScope.overwrite_default_scope('mmseg'):
        backbone = MODELS.build(backbone_cfg)
        return backbone, backbone(torch.empty(1, 3, *size))


@pytest.mark.parametrize('encoder', ENCODERS, ids=[e.config for e in ENCODERS])
def test_channels_and_strides_match_the_documents(encoder):
    model = model_config(encoder.config)
    backbone, outputs = run_on_meta(model.backbone, encoder.size)
    channels = tuple(out.shape[1] for out in outputs)
    strides = tuple(encoder.size[0] / out.shape[2] for out in outputs)
    widths = tuple(encoder.size[1] / out.shape[3] for out in outputs)
    assert channels == encoder.channels, encoder.reference
    assert strides == widths == encoder.strides, encoder.reference
    if hasattr(backbone, 'out_channels') and isinstance(
            backbone.out_channels, tuple):
        assert backbone.out_channels == channels  # what the models read


@pytest.mark.parametrize('encoder', ENCODERS, ids=[e.config for e in ENCODERS])
def test_decoders_take_the_encoders_channels(encoder):
    model = model_config(encoder.config)
    if 'decoder' in model and 'in_channels' in model.decoder:  # LSB nets
        assert model.decoder.in_channels == encoder.channels[-1]
    if model.type == 'WeightedEncoderDecoder':  # EncNet
        head = model.decode_head
        assert list(head.in_channels) == [
            encoder.channels[i] for i in head.in_index]
        aux = model.auxiliary_head
        assert aux.in_channels == encoder.channels[aux.in_index]
    if model.type == 'StereoDepthEstimator':  # monodepth
        assert tuple(model.decode_head.in_channels) == encoder.channels
