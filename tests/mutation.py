"""Byte-level mutations of a seed file for the property tests (Hypothesis ``draw``).

Each step picks an operation at a random position: ``flip`` (one byte replaced by a
draw of ``flip``), ``insert`` (one of ``inserts``), ``delete`` (1 to ``max_delete``
bytes), ``dup_line`` (a line repeated), ``truncate`` (the rest cut off).
"""

from __future__ import annotations

from hypothesis import strategies as st


def mutate(draw, data: bytes, *, steps: int, ops: list[str], flip, inserts: list[bytes],
           max_delete: int) -> bytes:
    """``data`` after 1 to ``steps`` random operations out of ``ops``."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, steps))):
        op = draw(st.sampled_from(ops))
        pos = draw(st.integers(0, max(0, len(buf) - 1)))
        if op == "flip" and buf:
            buf[pos] = draw(flip)
        elif op == "insert":
            buf[pos:pos] = draw(st.sampled_from(inserts))
        elif op == "delete" and buf:
            del buf[pos:pos + draw(st.integers(1, max_delete))]
        elif op == "dup_line":
            lines = bytes(buf).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            buf = bytearray(b"\n".join(lines))
        elif op == "truncate":
            buf = buf[:pos]
    return bytes(buf)
