"""The up-projection block of Laina et al. (3DV 2016)."""
import pytest
import torch
import torch.nn.functional as F

from mtlw.models.decode_heads import UpProjection, zero_unpool


def test_zero_unpool_puts_each_entry_top_left_of_its_block():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])[None, None]
    expected = torch.tensor([[1.0, 0.0, 2.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0],
                             [3.0, 0.0, 4.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0]])
    assert torch.equal(zero_unpool(x)[0, 0], expected)


def test_up_projection_parameters_by_formula():
    c_in, c_out = 6, 4
    block = UpProjection(c_in, c_out)
    # 5x5 and 3x3 convs of the main branch, 5x5 conv of the projection
    # branch (no bias before BN), each followed by BN (scale and offset).
    main = (25 * c_in * c_out + 2 * c_out) + (9 * c_out * c_out + 2 * c_out)
    projection = 25 * c_in * c_out + 2 * c_out
    expected = main + projection
    assert sum(p.numel() for p in block.parameters()) == expected


def test_up_projection_against_a_plain_reference():
    """Doubles the size; eval mode (BN from fresh running statistics is the
    identity up to eps) equals the convs written out on the unpooled map."""
    torch.manual_seed(0)
    block = UpProjection(3, 2).eval()
    x = torch.randn(2, 3, 4, 5)
    out = block(x)
    assert out.shape == (2, 2, 8, 10)
    unpooled = torch.zeros(2, 3, 8, 10)
    unpooled[:, :, 0::2, 0::2] = x
    scale = 1 / (1 + 1e-5) ** 0.5  # BN: mean 0, var 1, eps 1e-5
    main1 = F.conv2d(unpooled, block.main[0].conv.weight, padding=2)
    main = F.conv2d(F.relu(main1 * scale), block.main[1].conv.weight,
                    padding=1) * scale
    projection = F.conv2d(unpooled, block.projection.conv.weight,
                          padding=2) * scale
    assert torch.allclose(out, F.relu(main + projection), atol=1e-5)
    assert (out >= 0).all()


def test_up_projection_has_no_conv_bias_before_batch_norm():
    """Zero in, zero out: no conv adds a bias (BN's offsets start at 0)."""
    block = UpProjection(2, 2).eval()
    assert torch.equal(block(torch.zeros(1, 2, 3, 3)),
                       torch.zeros(1, 2, 6, 6))


@pytest.mark.parametrize('shape', [(1, 1, 1, 1), (2, 5, 3, 7)])
def test_zero_unpool_keeps_the_values_and_their_sum(shape):
    x = torch.randn(*shape)
    out = zero_unpool(x)
    assert out.shape == (*shape[:2], 2 * shape[2], 2 * shape[3])
    assert torch.equal(out[..., ::2, ::2], x)
    assert torch.allclose(out.sum(), x.sum())
