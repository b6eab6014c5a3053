"""FIFO ranks: given in joining order, changed only explicitly — a swap or a shift, never a collision."""

from __future__ import annotations

from collections.abc import Mapping

SWAP, SHIFT = "SWAP", "SHIFT"
MODES = (SWAP, SHIFT)


def next_rank(current: Mapping[str, int]) -> int:
    return max(current.values(), default=0) + 1


def move(current: Mapping[str, int], member_id: str, target: int, mode: str) -> dict[str, int]:
    """The ranks that change when ``member_id`` takes rank ``target``.

    SWAP: whoever holds ``target`` takes the mover's old rank. SHIFT: everyone between the two ranks
    moves one place towards the mover's old rank (up or down). Ranks stay unique either way.
    """
    if target < 1:
        raise ValueError("A FIFO rank starts at 1.")
    old = current[member_id]
    if target == old:
        return {}
    changes = {member_id: target}
    if mode == SWAP:
        holder = next((m for m, r in current.items() if r == target), None)
        if holder is not None:
            changes[holder] = old
    elif mode == SHIFT:
        step = 1 if target < old else -1
        low, high = sorted((target, old))
        for other, rank in current.items():
            if other != member_id and low <= rank <= high:
                changes[other] = rank + step
    else:
        raise ValueError(f"Unknown rank change mode {mode!r}; use {' or '.join(MODES)}.")
    return changes
