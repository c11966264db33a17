from .argmax_accuracy import ArgmaxAccuracyMixin, argmax_accuracy
from .argmax_enc_head import ArgmaxEncHead
from .argmax_fcn_head import ArgmaxFCNHead
from .aspp import ASPP
from .ce_only_enc_head import CEOnlyEncHead
from .deeplabv3_head import DeepLabV3Head
from .deeplabv3plus_decoder import DeepLabV3PlusDecoder
from .deeplabv3plus_head import DeepLabV3PlusHead
from .disparity_decoder import DisparityDecoder
from .initial_task_prediction import InitialTaskPrediction
from .multi_scale_head import MultiScaleHead
from .twelve_conv_decoder import TwelveConvDecoder
from .up_projection import UpProjection, zero_unpool

__all__ = [
    'ASPP', 'ArgmaxAccuracyMixin', 'ArgmaxEncHead', 'ArgmaxFCNHead',
    'CEOnlyEncHead', 'DeepLabV3Head', 'DeepLabV3PlusDecoder',
    'DeepLabV3PlusHead', 'DisparityDecoder', 'InitialTaskPrediction',
    'MultiScaleHead', 'TwelveConvDecoder', 'UpProjection', 'argmax_accuracy',
    'zero_unpool'
]
