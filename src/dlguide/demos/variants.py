"""The name to give run-demo and scaffold so that they show the variant a recommendation names.

'RNN - try GRU' becomes ``dlguide run-demo gru`` and ``dlguide scaffold gru``: both commands already read
a cell's name as the rnn family with that cell (``commands.demo.CELLS``), so the printed lines, the demo
the advisor offers to run and the scaffolded project all show the same GRU. A variant the demos cannot
show (a U-Net, a pretrained ResNet that needs a download) keeps the family's own demo.

Pure data and the standard library only: the engine prints these lines without loading torch.
"""

from __future__ import annotations

DEMO_NAMES = {
    ("rnn", "lstm"): "lstm",
    ("rnn", "gru"): "gru",
    ("rnn", "bilstm"): "bilstm",
    ("rnn", "vanilla"): "vanilla-rnn",
}


def demo_name(family: str, variant) -> str:
    """What to type after ``run-demo`` or ``scaffold`` to see ``variant`` of ``family``; the family id otherwise."""
    return DEMO_NAMES.get((family, variant or ""), family)
