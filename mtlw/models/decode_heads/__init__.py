from .aspp import ASPP
from .ce_only_enc_head import CEOnlyEncHead
from .deeplabv3plus_decoder import DeepLabV3PlusDecoder
from .deeplabv3plus_head import DeepLabV3PlusHead
from .disparity_decoder import DisparityDecoder
from .twelve_conv_decoder import TwelveConvDecoder

__all__ = [
    'ASPP', 'CEOnlyEncHead', 'DeepLabV3PlusDecoder', 'DeepLabV3PlusHead',
    'DisparityDecoder', 'TwelveConvDecoder'
]
