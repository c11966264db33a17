"""StagedResNet: torchvision's ImageNet weights from a local file (keys as
torchvision names them, checked) or timm's download (one clear error
offline)."""
import pytest
import torch
import torchvision

from mtlw.models import StagedResNet
from mtlw.models.backbones import PretrainedWeightsError
from mtlw.models.backbones.staged_resnet import torchvision_resnet_tag

# LibMTL's resnet_dilated: output stride 8.
DILATED = dict(strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
               contract_dilation=True)


def saved_torchvision_weights(tmp_path, **changes):
    """A random torchvision ResNet-18's state dict (classifier included) in
    a file; ``changes`` add (tensor) or drop (None) keys."""
    torch.manual_seed(3)
    source = torchvision.models.resnet18()
    for module in source.modules():  # non-trivial running statistics
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 1.5)
    state = source.state_dict()
    for key, value in changes.items():
        if value is None:
            del state[key]
        else:
            state[key] = value
    path = str(tmp_path / 'resnet18.pth')
    torch.save(state, path)
    return source.eval(), path


def test_torchvisions_weights_give_torchvisions_features(tmp_path):
    source, path = saved_torchvision_weights(tmp_path)
    encoder = StagedResNet(depth=18, checkpoint=path)
    encoder.eval()  # mmseg's ResNet.train returns None
    inputs = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        expected = torch.nn.Sequential(
            *list(source.children())[:-2])(inputs)  # to layer4
        torch.testing.assert_close(encoder(inputs)[-1], expected)


def test_the_dilated_encoder_keeps_them_through_init_weights(tmp_path):
    source, path = saved_torchvision_weights(tmp_path)
    encoder = StagedResNet(depth=18, checkpoint=path, **DILATED)
    encoder.init_weights()
    torch.testing.assert_close(encoder.conv1.weight, source.conv1.weight)
    torch.testing.assert_close(encoder.layer3[0].downsample[1].running_var,
                               source.layer3[0].downsample[1].running_var)
    torch.testing.assert_close(encoder.layer4[1].conv2.weight,
                               source.layer4[1].conv2.weight)
    assert encoder.layer4[1].conv1.dilation == (4, 4)  # mmseg's BasicBlock


def test_a_file_with_foreign_keys_is_refused(tmp_path):
    _, path = saved_torchvision_weights(
        tmp_path, **{'layer1.0.conv1.weight': None,
                     'stem.0.weight': torch.zeros(1)})
    with pytest.raises(ValueError) as error:
        StagedResNet(depth=18, checkpoint=path)
    assert ("ResNet-18 (resnet18.tv_in1k): 1 missing keys: "
            "layer1.0.conv1.weight; 1 unexpected keys: stem.0.weight"
            ) in str(error.value)


def test_a_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match='absent.pth'):
        StagedResNet(depth=18, checkpoint=str(tmp_path / 'absent.pth'))


def test_mmsegs_path_form_is_refused_with_the_key_to_use():
    with pytest.raises(TypeError, match="checkpoint='r50.pth'"):
        StagedResNet(depth=50, pretrained='r50.pth')


def test_offline_download_error_names_the_file_and_the_key():
    # tests/conftest.py makes timm's download fail as without network
    assert torchvision_resnet_tag(50) == 'resnet50.tv_in1k'
    with pytest.raises(PretrainedWeightsError) as error:
        StagedResNet(depth=50, pretrained=True, **DILATED)
    message = str(error.value)
    assert 'https://huggingface.co/timm/resnet50.tv_in1k' in message
    assert ('--cfg-options model.backbone.checkpoint='
            'checkpoints/resnet50.tv_in1k.safetensors') in message
    assert isinstance(error.value.__cause__, ConnectionError)


def test_no_weights_without_pretrained_or_checkpoint():
    torch.manual_seed(0)
    first = StagedResNet(depth=18, pretrained=None)
    torch.manual_seed(1)
    second = StagedResNet(depth=18, pretrained=False)
    first.init_weights()
    second.init_weights()
    assert not torch.equal(first.conv1.weight, second.conv1.weight)
