"""Pictures of multi-task predictions (registered in mmseg's VISUALIZERS)."""
from .multitask_visualizer import MultiTaskVisualizer

__all__ = ['MultiTaskVisualizer']
