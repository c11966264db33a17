"""CoV-Weighting Table 7: weights summed per loss term and per scale."""
import pytest

from mtlw.visualization.weight_groups import (group_weights,
                                              grouped_weight_series,
                                              loss_group)


def monodepth_weights():
    """The 32 monodepth keys; weight = term index + scale / 10."""
    return {f'depth.loss_{term}_s{scale}_{side}': t + scale / 10
            for t, term in enumerate(('l1', 'ssim', 'lr', 'smooth'))
            for scale in range(4) for side in 'lr'}


def test_sums_per_term_scale_and_side():
    weights = monodepth_weights()
    assert len(weights) == 32
    # per term: 2 sides x (4 t + 0.6)
    assert group_weights(weights, 'term') == pytest.approx(
        dict(l1=1.2, ssim=9.2, lr=17.2, smooth=25.2))
    # per scale s: 2 sides x (0 + 1 + 2 + 3 + 4 s / 10)
    assert group_weights(weights, 'scale') == pytest.approx(
        dict(s0=12.0, s1=12.8, s2=13.6, s3=14.4))
    assert group_weights(weights, 'side') == pytest.approx(
        dict(l=26.4, r=26.4))
    assert loss_group('depth.loss_l1_s2', 'scale') == 's2'


def test_keys_outside_the_scheme_are_named():
    with pytest.raises(ValueError, match="loss key 'decode.loss_ce' is not"):
        group_weights({'decode.loss_ce': 1.0}, 'term')
    with pytest.raises(ValueError, match='by must be one of'):
        group_weights({}, 'task')
    with pytest.raises(ValueError, match="'depth.loss_l1_s2' is not"):
        loss_group('depth.loss_l1_s2', 'side')


def test_series_over_logged_steps():
    records = [
        {'iter': 1, 'loss': 1.0},  # a record without weights is skipped
        {'iter': 2, 'weight/depth.loss_l1_s0_l': 0.25,
         'weight/depth.loss_l1_s1_l': 0.25,
         'weight/depth.loss_ssim_s0_l': 0.5},
        {'iter': 4, 'weight/depth.loss_l1_s0_l': 0.1,
         'weight/depth.loss_l1_s1_l': 0.2,
         'weight/depth.loss_ssim_s0_l': 0.7},
    ]
    iters, series = grouped_weight_series(records, 'term')
    assert iters == [2, 4]
    assert list(series) == ['l1', 'ssim']
    assert series['l1'] == pytest.approx([0.5, 0.3])
    assert series['ssim'] == pytest.approx([0.5, 0.7])
    scales = grouped_weight_series(records, 'scale')[1]
    assert scales['s0'] == pytest.approx([0.75, 0.8])
    assert scales['s1'] == pytest.approx([0.25, 0.2])
