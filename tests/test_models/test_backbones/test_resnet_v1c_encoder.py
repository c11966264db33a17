"""ResNetV1cEncoder: mmseg's ResNetV1c with the pretrained / checkpoint
arguments of TimmEncoder."""
import pytest
import torch

from mtlw.models import ResNetV1cEncoder
from mtlw.models.backbones import PretrainedWeightsError

SMALL = dict(depth=18, out_indices=(0, 1, 2, 3))


def saved_weights(tmp_path, **changes):
    """A ResNetV1c-18's weights plus an ImageNet classifier, as the
    OpenMMLab files hold them; ``changes`` add or drop (None) keys."""
    torch.manual_seed(1)
    source = ResNetV1cEncoder(**SMALL)
    state = dict(source.state_dict(), **{
        'fc.weight': torch.zeros(1000, 512), 'fc.bias': torch.zeros(1000)})
    for key, value in changes.items():
        if value is None:
            del state[key]
        else:
            state[key] = value
    path = str(tmp_path / 'resnet18_v1c.pth')
    torch.save(dict(state_dict=state, meta=dict()), path)
    return source, path


def test_a_local_file_sets_the_weights_at_build(tmp_path):
    source, path = saved_weights(tmp_path)
    encoder = ResNetV1cEncoder(checkpoint=path, **SMALL)
    torch.testing.assert_close(encoder.stem[0].weight, source.stem[0].weight)
    torch.testing.assert_close(encoder.layer4[1].conv2.weight,
                               source.layer4[1].conv2.weight)
    encoder.init_weights()
    torch.testing.assert_close(encoder.stem[0].weight, source.stem[0].weight)


def test_a_file_with_foreign_keys_is_refused(tmp_path):
    _, path = saved_weights(tmp_path, **{'stem.0.weight': None,
                                         'head.weight': torch.zeros(1)})
    with pytest.raises(ValueError) as error:
        ResNetV1cEncoder(checkpoint=path, **SMALL)
    assert ('ResNetV1c-18: 1 missing keys: stem.0.weight; '
            '1 unexpected keys: head.weight') in str(error.value)


def test_a_missing_file_names_the_path(tmp_path):
    path = str(tmp_path / 'absent.pth')
    with pytest.raises(FileNotFoundError, match='absent.pth'):
        ResNetV1cEncoder(checkpoint=path, **SMALL)


def test_offline_download_error_names_the_file_and_the_key():
    # tests/conftest.py makes mmengine's download fail as without network
    with pytest.raises(PretrainedWeightsError) as error:
        ResNetV1cEncoder(pretrained=True, **SMALL)
    message = str(error.value)
    assert ('https://download.openmmlab.com/pretrain/third_party/'
            'resnet50_v1c-2cccc1ad.pth') in message
    assert ('--cfg-options model.backbone.checkpoint='
            'checkpoints/resnet50_v1c-2cccc1ad.pth') in message
    assert isinstance(error.value.__cause__, ConnectionError)
