"""Build-time checks of the weighting rules' numeric arguments."""
import math
import numbers
from typing import Dict, Optional


def check_number(owner: str, name: str, value: object,
                 low: Optional[float] = None, high: Optional[float] = None,
                 low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a float if it is a finite real number in the range.

    Args:
        owner (str): The rule the argument belongs to, for the message.
        name (str): The argument's name, for the message.
        value: The value given.
        low (float, optional): Lower bound; None for none.
        high (float, optional): Upper bound; None for none.
        low_open (bool): Whether ``low`` itself is excluded.
        high_open (bool): Whether ``high`` itself is excluded.

    Returns:
        float: The value.

    Raises:
        ValueError: If the value is not a real number, is NaN or infinite,
            or lies outside the range; the message names the owner, the
            argument, the value and the range.
    """
    ok = (isinstance(value, numbers.Real) and not isinstance(value, bool)
          and math.isfinite(value))
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        bounds = '{}{}, {}{}'.format(
            '(' if low_open or low is None else '[',
            '-inf' if low is None else low,
            'inf' if high is None else high,
            ')' if high_open or high is None else ']')
        raise ValueError(f'{owner} {name} must be a finite number in '
                         f'{bounds}, got {value!r}')
    return float(value)


def check_number_dict(owner: str, name: str, values: Dict[str, object],
                      low: Optional[float] = None,
                      positive_sum: bool = False) -> Dict[str, float]:
    """Every entry of ``values`` checked by :func:`check_number`.

    Args:
        owner (str): The rule the argument belongs to.
        name (str): The argument's name; entries are named ``name[key]``.
        values (dict[str, object]): Numbers by loss name.
        low (float, optional): Inclusive lower bound of every entry.
        positive_sum (bool): Whether the entries must sum to more than 0.

    Returns:
        dict[str, float]: The values as floats.

    Raises:
        ValueError: As :func:`check_number`, or if ``positive_sum`` and the
            sum is not positive.
    """
    if not isinstance(values, dict):
        raise ValueError(f'{owner} {name} must be a dict of numbers by loss '
                         f'name, got {values!r}')
    checked = {key: check_number(owner, f'{name}[{key!r}]', value, low=low)
               for key, value in values.items()}
    if positive_sum and not sum(checked.values()) > 0:
        raise ValueError(f'{owner} {name} must sum to more than 0, got '
                         f'{values!r}')
    return checked


def check_count(owner: str, name: str, value: object, low: int = 1) -> int:
    """``value`` if it is an int (not a bool) of at least ``low``.

    Args:
        owner (str): The rule the argument belongs to, for the message.
        name (str): The argument's name, for the message.
        value: The value given.
        low (int): The smallest accepted value. Defaults to 1.

    Returns:
        int: The value.

    Raises:
        ValueError: Naming the owner, the argument, the bound and the value.
    """
    if not (isinstance(value, numbers.Integral)
            and not isinstance(value, bool) and value >= low):
        raise ValueError(f'{owner} {name} must be an int >= {low}, got '
                         f'{value!r}')
    return int(value)


#: What loss weights may be normalised to sum: ``K`` or 1.
WEIGHT_SUMS = ('num_losses', 'one')


def check_weight_sum(owner: str, value: object) -> str:
    """``value`` if it is one of :data:`WEIGHT_SUMS`.

    Args:
        owner (str): The rule the argument belongs to, for the message.
        value: The value given for ``normalize_to``.

    Returns:
        str: The value.

    Raises:
        ValueError: Naming the owner, ``normalize_to``, the choices and the
            value.
    """
    if value not in WEIGHT_SUMS:
        raise ValueError(f'{owner} normalize_to must be one of '
                         f'{WEIGHT_SUMS}, got {value!r}')
    return value


def weight_sum(normalize_to: str, num_losses: int) -> float:
    """The sum of the weights that ``normalize_to`` names: ``K`` or 1.

    Args:
        normalize_to (str): One of :data:`WEIGHT_SUMS`.
        num_losses (int): ``K``.

    Returns:
        float: ``K`` for ``'num_losses'``, 1 for ``'one'``.
    """
    return float(num_losses) if normalize_to == 'num_losses' else 1.0
