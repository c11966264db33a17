"""Decode heads log mmseg's top-1 accuracy, computed by argmax."""
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.models.decode_heads import EncHead, FCNHead
from mmseg.models.losses import accuracy
from mmseg.structures import SegDataSample

from mtlw.models import ArgmaxEncHead, ArgmaxFCNHead
from mtlw.models.decode_heads import argmax_accuracy
from mtlw.utils.host_reads import HostReadCounter


@pytest.mark.parametrize('ignored', [0.0, 0.3, 1.0])
def test_argmax_accuracy_is_mmseg_top1(ignored):
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 5, 7, 9, generator=gen)
    label = torch.randint(0, 5, (2, 7, 9), generator=gen)
    label[torch.rand(label.shape, generator=gen) < ignored] = 255
    torch.testing.assert_close(argmax_accuracy(logits, label, 255),
                               accuracy(logits, label, ignore_index=255))


def test_argmax_accuracy_by_hand():
    logits = torch.tensor([[[[2.0, 0.0, 1.0]], [[0.0, 3.0, 0.0]]]])
    label = torch.tensor([[[0, 0, 255]]])  # right, wrong, ignored
    eps = torch.finfo(torch.float32).eps
    expected = (1 + eps) * 100 / (2 + eps)
    assert argmax_accuracy(logits, label, 255).item() == pytest.approx(
        expected)


def samples(gen, size=(16, 16)):
    out = []
    for _ in range(2):
        sample = SegDataSample(gt_sem_seg=PixelData(
            data=torch.randint(0, 4, (1, *size), generator=gen)))
        sample.set_metainfo(dict(img_shape=size))
        out.append(sample)
    return out


@pytest.mark.parametrize('mtlw_cls,mmseg_cls,kwargs', [
    (ArgmaxFCNHead, FCNHead, dict(in_channels=8, channels=8, num_convs=1)),
    (ArgmaxEncHead, EncHead, dict(in_channels=[8, 8], in_index=(0, 1),
                                  channels=8, num_codes=4, use_se_loss=True,
                                  add_lateral=False)),
])
def test_heads_give_mmseg_losses_without_reading_the_device(
        mtlw_cls, mmseg_cls, kwargs):
    gen = torch.Generator().manual_seed(0)
    inputs = [torch.randn(2, 8, 8, 8, generator=gen) for _ in range(2)]
    batch = samples(gen)
    losses = {}
    for cls in (mmseg_cls, mtlw_cls):
        torch.manual_seed(0)
        head = cls(num_classes=4, dropout_ratio=0.0, **kwargs).eval()
        counter = HostReadCounter()
        with counter:
            losses[cls] = head.loss(inputs, batch, train_cfg={})
        reads = len(counter.reads)
    assert reads == 0  # the mtlw head, last
    assert list(losses[mtlw_cls]) == list(losses[mmseg_cls])
    for key, value in losses[mmseg_cls].items():
        torch.testing.assert_close(losses[mtlw_cls][key], value)
