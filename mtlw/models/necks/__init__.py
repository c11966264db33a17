from .cross_stitch import CrossStitch, cross_stitch

__all__ = ['CrossStitch', 'cross_stitch']
