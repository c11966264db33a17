"""TimmEncoder: ImageNet weights from a local file (checked) or timm's
download (one clear error offline), MobileNetV2's final 1x1 conv."""
import pytest
import timm
import torch
from safetensors.torch import save_file
from timm.models import _builder

from mtlw.models import TimmEncoder
from mtlw.models.backbones import PretrainedWeightsError
from mtlw.registry import MODELS


def saved_weights(tmp_path, model_name, seed=1, name='weights.pth',
                  **changes):
    """A whole timm model's state dict written to ``tmp_path``; ``changes``
    add (tensor) or drop (None) keys."""
    torch.manual_seed(seed)
    model = timm.create_model(model_name)
    state = model.state_dict()
    for key, value in changes.items():
        if value is None:
            del state[key]
        else:
            state[key] = value
    path = str(tmp_path / name)
    if name.endswith('.safetensors'):
        save_file({k: v.contiguous() for k, v in state.items()}, path)
    else:
        torch.save(state, path)
    return model, path


def test_a_local_file_sets_the_weights(tmp_path):
    source, path = saved_weights(tmp_path, 'resnet18')
    encoder = TimmEncoder('resnet18', checkpoint=path, output_stride=16,
                          out_indices=(1, 4))
    torch.testing.assert_close(encoder.timm_model.layer4[1].conv2.weight,
                               source.layer4[1].conv2.weight)
    torch.testing.assert_close(encoder.timm_model.bn1.running_var,
                               source.bn1.running_var)
    fresh = TimmEncoder('resnet18', output_stride=16, out_indices=(1, 4))
    assert not torch.equal(fresh.timm_model.conv1.weight,
                           source.conv1.weight)


def test_a_safetensors_file_without_classifier_loads(tmp_path):
    source, path = saved_weights(
        tmp_path, 'mobilenetv2_050', name='mnv2.safetensors',
        **{'classifier.weight': None, 'classifier.bias': None})
    encoder = TimmEncoder('mobilenetv2_050', checkpoint=path)
    torch.testing.assert_close(encoder.timm_model.conv_stem.weight,
                               source.conv_stem.weight)


def test_loaded_weights_survive_init_weights(tmp_path):
    source, path = saved_weights(tmp_path, 'resnet18')
    encoder = MODELS.build(dict(type='TimmEncoder', model_name='resnet18',
                                checkpoint=path))
    encoder.init_weights()
    torch.testing.assert_close(encoder.timm_model.conv1.weight,
                               source.conv1.weight)


def test_head_conv_is_mobilenetv2s_last_layers(tmp_path):
    source, path = saved_weights(tmp_path, 'mobilenetv2_050')
    encoder = TimmEncoder('mobilenetv2_050', checkpoint=path,
                          out_indices=(4, ), head_conv=True).eval()
    source.eval()
    image = torch.randn(1, 3, 64, 96)
    (feature, ) = encoder(image)
    # timm's whole network up to (without) pooling and classifier
    torch.testing.assert_close(feature, source.forward_features(image))
    assert encoder.out_channels == (1280, ) == (feature.shape[1], )
    without = TimmEncoder('mobilenetv2_050', out_indices=(3, 4))
    assert without.out_channels == (48, 160)


def test_head_conv_needs_the_last_stage_and_a_head():
    with pytest.raises(ValueError, match=r'out_indices must end with 4'):
        TimmEncoder('mobilenetv2_050', out_indices=(2, 3), head_conv=True)
    with pytest.raises(ValueError, match="'resnet18' has none"):
        TimmEncoder('resnet18', head_conv=True)


def test_a_missing_file_names_the_path_and_the_key(tmp_path):
    path = str(tmp_path / 'absent.pth')
    with pytest.raises(FileNotFoundError) as error:
        TimmEncoder('resnet18', pretrained=True, checkpoint=path)
    assert path in str(error.value)
    assert 'model.backbone.checkpoint' in str(error.value)


def test_a_file_of_another_model_lists_the_keys(tmp_path):
    _, path = saved_weights(tmp_path, 'resnet18')
    with pytest.raises(ValueError) as error:
        TimmEncoder('mobilenetv2_050', checkpoint=path)
    message = str(error.value)
    assert "timm's mobilenetv2_050" in message
    assert 'missing keys: ' in message and 'blocks.0.0.' in message
    assert 'unexpected keys: ' in message and 'layer1.0.' in message
    assert 'more)' in message  # a few keys are listed, not hundreds


def test_one_missing_and_one_unknown_key_are_named(tmp_path):
    _, path = saved_weights(tmp_path, 'resnet18',
                            **{'layer4.1.conv2.weight': None,
                               'extra.weight': torch.zeros(1)})
    with pytest.raises(ValueError) as error:
        TimmEncoder('resnet18', checkpoint=path)
    assert ('1 missing keys: layer4.1.conv2.weight; '
            '1 unexpected keys: extra.weight') in str(error.value)


def test_offline_download_error_names_the_file_and_the_key(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError('Network is unreachable')

    monkeypatch.setattr(_builder, 'load_pretrained', no_network)
    with pytest.raises(PretrainedWeightsError) as error:
        TimmEncoder('resnet18', pretrained=True)
    message = str(error.value)
    assert 'https://huggingface.co/timm/resnet18.' in message
    assert ('--cfg-options model.backbone.checkpoint='
            'checkpoints/resnet18.safetensors') in message
    assert isinstance(error.value.__cause__, OSError)


def test_the_hook_based_pnasnet_maps_onto_timms_keys():
    # PNASNet's feature wrapper prefixes 'body.'; the mapping must land on
    # the keys of timm's whole model (built on the meta device: no memory)
    with torch.device('meta'):
        encoder = TimmEncoder('pnasnet5large', out_indices=(4, ))
        whole = set(timm.create_model('pnasnet5large').state_dict())
    targets = set(encoder._target_keys().values())
    assert targets <= whole
    assert whole - targets == {'last_linear.weight', 'last_linear.bias'}


def test_feature_only_arguments_are_left_out_of_the_whole_model():
    from mtlw.models.backbones.timm_encoder import full_model_keys
    keys = full_model_keys('hrnet_w18', feature_location='')
    assert 'classifier.weight' in keys  # the whole classification model
    assert 'stage4.0.fuse_layers.0.1.0.weight' in keys


@pytest.mark.slow
def test_hrnet_branch_outputs_load_the_whole_models_file(tmp_path):
    # MTI-Net / PAD-Net: HRNet-W18's raw branches (feature_location='')
    source, path = saved_weights(tmp_path, 'hrnet_w18')
    encoder = TimmEncoder('hrnet_w18', checkpoint=path, feature_location='',
                          out_indices=(1, 2, 3, 4))
    assert encoder.out_channels == (18, 36, 72, 144)
    torch.testing.assert_close(
        encoder.timm_model.stage4[0].fuse_layers[0][1][0].weight,
        source.stage4[0].fuse_layers[0][1][0].weight)
