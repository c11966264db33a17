"""Numeric weighter arguments are checked when the weighter is built."""
import math

import pytest

from mtlw.registry import WEIGHTERS
from mtlw.weighting.utils.checks import (check_number, check_weight_sum,
                                         weight_sum)

NAN, INF = math.nan, math.inf

BAD = [
    (dict(type='StaticWeighting', weights={'a': 0.0, 'b': 0.0},
          normalize=True), r'StaticWeighting weights must sum to more than 0'),
    (dict(type='StaticWeighting', weights={'a': NAN, 'b': 1.0}),
     r"weights\['a'\] must be a finite number in \[0.0, inf\), got nan"),
    (dict(type='StaticWeighting', weights={'a': -1.0, 'b': 1.0}),
     r"weights\['a'\] .* got -1.0"),
    (dict(type='DWA', temperature=0.0), r'DWA temperature .* got 0.0'),
    (dict(type='DWA', temperature=NAN), r'DWA temperature .* got nan'),
    (dict(type='FAMO', lr=0.0), r'FAMO lr must be a finite number in '
     r'\(0.0, inf\), got 0.0'),
    (dict(type='FAMO', lr=NAN), r'FAMO lr .* got nan'),
    (dict(type='FAMO', weight_decay=-0.1), r'FAMO weight_decay .* got -0.1'),
    (dict(type='FAMO', min_losses={'a': INF}),
     r"FAMO min_losses\['a'\] .* got inf"),
    (dict(type='FAMO', min_losses=NAN), r'FAMO min_losses .* got nan'),
    (dict(type='GradNorm', weight_lr=-1.0), r'GradNorm weight_lr .* got -1.0'),
    (dict(type='GradNorm', weight_lr=NAN), r'GradNorm weight_lr .* got nan'),
    (dict(type='GradNorm', alpha=NAN), r'GradNorm alpha .* got nan'),
    (dict(type='UncertaintyWeighting', num_losses=2, init=NAN),
     r'UncertaintyWeighting init .* got nan'),
    (dict(type='UncertaintyWeighting', num_losses=2, init=INF),
     r'UncertaintyWeighting init .* got inf'),
    (dict(type='CoVWeighting', mean_decay=1.0),
     r'CoVWeighting mean_decay must be a finite number in \[0.0, 1.0\), '
     r'got 1.0'),
    (dict(type='CoVWeighting', mean_decay=NAN), r'mean_decay .* got nan'),
    (dict(type='LossScaleBalancing', beta_rate=NAN),
     r'LossScaleBalancing beta_rate .* got nan'),
    (dict(type='LossScaleBalancing', priorities={'a': -1.0, 'b': 2.0}),
     r"priorities\['a'\] .* got -1.0"),
    (dict(type='LossScaleBalancing', priorities={'a': 0.0}),
     r'priorities must sum to more than 0'),
    (dict(type='GLS', eps=0.0), r'GLS eps .* got 0.0'),
    (dict(type='MGDA', stop_crit=NAN), r'MGDA stop_crit .* got nan'),
    (dict(type='MGDA', max_iter=2.5), r'MGDA max_iter .* got 2.5'),
    (dict(type='HierarchicalWeighting', groups=dict(all='.'),
          inner=dict(type='DWA', temperature=-1.0), outer=dict(type='GLS')),
     r'DWA temperature .* got -1.0'),
]


@pytest.mark.parametrize('cfg, message', BAD,
                         ids=[f'{c["type"]}-{i}' for i, (c, _) in
                              enumerate(BAD)])
def test_bad_values_are_refused_at_build_time(cfg, message):
    with pytest.raises(ValueError, match=message):
        WEIGHTERS.build(cfg)


def test_good_values_pass_as_floats():
    assert check_number('X', 'y', 2) == 2.0
    assert WEIGHTERS.build(dict(type='StaticWeighting', weights={'a': 0,
                                                                 'b': 2},
                                normalize=True)).weights == {'a': 0.0,
                                                             'b': 2.0}
    with pytest.raises(ValueError, match=r'X y .* got True'):
        check_number('X', 'y', True)
    with pytest.raises(ValueError, match=r"X y .* got '1'"):
        check_number('X', 'y', '1')


def test_weight_sum_choices():
    assert check_weight_sum('DWA', 'one') == 'one'
    assert weight_sum('one', 5) == 1.0
    assert weight_sum('num_losses', 5) == 5.0
    with pytest.raises(ValueError, match="GradNorm normalize_to must be one "
                       r"of \('num_losses', 'one'\), got 'K'"):
        check_weight_sum('GradNorm', 'K')
