"""Registry errors name the registry and the closest registered names."""
import pytest
from mmengine.registry import DefaultScope

from mtlw.registry import MODELS, WEIGHTERS, UnknownTypeError


def test_unknown_weighter_suggests_close_names():
    with pytest.raises(UnknownTypeError) as info:
        WEIGHTERS.build(dict(type='StaticWeightin'))
    message = str(info.value)
    assert 'mtlw::weighter' in message
    assert 'StaticWeighting' in message


def test_unknown_model_in_nested_config_suggests_close_names():
    with DefaultScope.overwrite_default_scope('mmseg'):
        with pytest.raises(UnknownTypeError) as info:
            MODELS.build(dict(type='WeightedEncoderDecoder',
                              backbone=dict(type='ResNetV1d', depth=18),
                              decode_head=dict(type='EncHed')))
    message = str(info.value)
    assert 'mmseg::model' in message and '`EncHed`' in message
    assert 'EncHead' in message


def test_mtlw_components_are_registered():
    with DefaultScope.overwrite_default_scope('mmseg'):
        assert MODELS.get('WeightedEncoderDecoder') is not None
    assert WEIGHTERS.get('StaticWeighting') is not None


@pytest.mark.parametrize('former, current', [
    ('LSBDecoder', 'TwelveConvDecoder'),
    ('MultiTaskDataPreProcessor', 'MultiTaskDataPreprocessor'),
])
def test_former_names_still_build_with_a_warning(former, current):
    cfg = dict(type=former)
    if current == 'TwelveConvDecoder':
        cfg.update(in_channels=8, out_channels=2, channels=(4, 4))
    with pytest.warns(FutureWarning, match=f'{former} was renamed {current}'):
        module = MODELS.build(cfg)
    assert isinstance(module, MODELS.get(current))
