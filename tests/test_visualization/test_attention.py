"""Attention maps A(T) = sum_i |T_i|, bounded to a depth range."""
import pytest
import torch

from mtlw.visualization.attention import attention_map, depth_range_mask


def test_whole_image_map_is_the_scaled_channel_sum():
    features = torch.tensor([[[[1.0, -3.0]], [[-2.0, 2.0]]]])  # |.|: 3, 5
    assert attention_map(features).tolist() == [[[0.0, 1.0]]]


def test_range_bounded_map_scales_over_the_valid_pixels_only():
    # channel sums 1, 2, 4, 8; pixel 3 out of range
    features = torch.tensor([[[[1.0, -2.0, 4.0, 8.0]]]])
    depth = torch.tensor([[[3.0, 5.0, 7.0, 12.0]]])
    valid = depth_range_mask(depth, max_depth=8.0)
    assert valid.tolist() == [[[True, True, True, False]]]
    bounded = attention_map(features, valid)
    # (A - 1) / (4 - 1) inside, 0 outside (not 1 as on the whole image)
    assert bounded[0, 0].tolist() == pytest.approx([0.0, 1 / 3, 1.0, 0.0])
    assert depth_range_mask(depth, 4.0, 8.0).tolist() == [
        [[False, True, True, False]]]
    # a mask at the image size resizes the map first (2x nearest-equal)
    wide = torch.ones(1, 2, 8, dtype=torch.bool)
    assert attention_map(torch.ones(1, 1, 1, 4), wide).shape == (1, 2, 8)
    nothing = torch.zeros(1, 1, 4, dtype=torch.bool)
    assert attention_map(features, nothing).tolist() == [[[0.0] * 4]]
    with pytest.raises(ValueError, match=r'valid must be \(B, H, W\)'):
        attention_map(features, valid[0])
