"""Scalars kept on the device between the logger's reads."""
from numbers import Number
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.logging import MessageHub
from mmengine.utils import ManagerMixin
from torch import Tensor

Scalar = Union[Tensor, Number]


class _Record:
    """One batch of named scalars: the tensors stacked on the device (one
    copy, so later in-place changes of the sources do not reach it), the
    Python numbers as they are."""

    def __init__(self, items: Sequence[Tuple[str, Scalar]]) -> None:
        self.keys = [key for key, _ in items]
        tensors = [value.detach().reshape(()) for _, value in items
                   if isinstance(value, Tensor)]
        self.numbers = {key: value for key, value in items
                        if not isinstance(value, Tensor)}
        self.integral: List[bool] = [
            not (value.is_floating_point() or value.is_complex())
            for value in tensors]
        self.stacked: Optional[Tensor] = None
        if tensors:
            # float64 holds every float32/bf16/fp16 value and every
            # integer below 2**53 exactly.
            if len({t.dtype for t in tensors}) > 1:
                tensors = [t.to(torch.float64) for t in tensors]
            self.stacked = torch.stack(tensors).to(torch.float64)

    def replay(self, values: List[float]) -> List[Tuple[str, Number]]:
        """The records' (key, value) pairs in order, given the values of
        its tensors as read from the device."""
        read = iter(zip(values, self.integral))
        pairs = []
        for key in self.keys:
            if key in self.numbers:
                pairs.append((key, self.numbers[key]))
            else:
                value, integral = next(read)
                pairs.append((key, int(value) if integral else value))
        return pairs


class DeviceScalarLog(ManagerMixin):
    """Named scalars accumulated on the device and read with one transfer.

    Producers (the runtime-info hook with the model's log variables, the
    optimizer wrapper with the gradient norm, the weight logger) call
    :meth:`add` every iteration; nothing is read then. :meth:`flush` reads
    every pending value with a single device-to-host transfer and appends
    them, in the order they were added, to the message hub's history
    (``update_scalar``), so that the history, its smoothed statistics and
    everything the logger writes are those of per-iteration updates.

    One instance per message hub, of the same name
    (:meth:`for_message_hub`).

    Args:
        name (str): The instance name (the message hub's).
    """

    def __init__(self, name: str = '') -> None:
        super().__init__(name)
        self._pending: List[_Record] = []

    @classmethod
    def for_message_hub(cls, message_hub: MessageHub
                        ) -> Optional['DeviceScalarLog']:
        """The log of ``message_hub`` if one was created, else None."""
        name = message_hub.instance_name
        return cls.get_instance(name) if cls.check_instance_created(name) \
            else None

    @property
    def pending(self) -> int:
        """The number of records not read yet."""
        return len(self._pending)

    def add(self, values: Dict[str, Scalar]) -> None:
        """Keep ``values`` (full message-hub keys, e.g. ``'train/loss'``)
        for the next flush; one stack on the device, no read.

        Args:
            values (dict[str, Tensor | Number]): One-element tensors or
                Python numbers by key.
        """
        if values:
            self._pending.append(_Record(list(values.items())))

    def flush(self, message_hub: MessageHub,
              extra: Sequence[Tensor] = ()) -> List[List[float]]:
        """Read every pending value (one transfer) into ``message_hub``.

        Args:
            message_hub (MessageHub): Where the values go.
            extra (Sequence[Tensor]): Further device tensors to read in the
                same transfer (e.g. non-finite bookkeeping); each is
                flattened.

        Returns:
            list[list[float]]: The values of ``extra``, flattened.
        """
        records, self._pending = self._pending, []
        parts = [r.stacked for r in records if r.stacked is not None]
        parts += [t.detach().reshape(-1).to(torch.float64) for t in extra]
        flat: List[float] = []
        if parts:
            device = parts[0].device
            flat = torch.cat([p.to(device) for p in parts]).tolist()
        offset = 0
        for record in records:
            count = 0 if record.stacked is None else record.stacked.numel()
            for key, value in record.replay(flat[offset:offset + count]):
                message_hub.update_scalar(key, value)
            offset += count
        extras = []
        for tensor in extra:
            extras.append(flat[offset:offset + tensor.numel()])
            offset += tensor.numel()
        return extras

    def clear(self) -> None:
        """Drop the pending values."""
        self._pending = []
