"""The multitask score of Argenziano and Pagani (semantics + depth)."""


def multitask_score(miou: float, silog: float) -> float:
    """``max(IoU - 50, 0) + max(50 - SILog, 0)``.

    Argenziano and Pagani, "Multi-Task Learning for Semantics and Depth"
    (course report, Deep Learning for Autonomous Driving, 2022, section 1.1)
    score semantics + depth on Miniscapes / Cityscapes with the mean IoU in
    percent and the KITTI SILog error (``100 sqrt(mean(g^2) - mean(g)^2)``,
    ``g`` the log error) of the depth map: each task adds at most 50, higher is
    better.

    Args:
        miou (float): Mean IoU in percent (0 .. 100).
        silog (float): SILog error (>= 0).

    Returns:
        float: The score, 0 .. 100.
    """
    if not 0 <= miou <= 100:
        raise ValueError(f'multitask_score: mIoU must be a percentage in '
                         f'[0, 100], got {miou}')
    if silog < 0:
        raise ValueError(f'multitask_score: SILog must be >= 0, got {silog}')
    return max(miou - 50.0, 0.0) + max(50.0 - silog, 0.0)
