"""Transformer demo: a small self-attention encoder reads token sequences into embeddings.

Default data: generated sequences whose class is the order of two marker tokens placed at least 12
positions apart among random filler (A..B, B..A, A..A, B..B). A..B and B..A contain the same tokens, so
only a model that relates positions far apart can separate them; raw propagation compares position-wise
one-hot vectors, where a marker one step to the left is a different feature. Self-attention links any two
positions in one step, whatever the gap. The encoder learns from the labeled sequences only, then from its
own confident propagated labels (self-training; hidden labels are never used).

Real data: ``--data FILE.csv`` with a text column (``--text-column``, split into words and punctuation, or into
characters) and a label column (``--label-column``) whose empty cells are unlabeled.

    python demo.py --layers 2 --quick
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

if __package__:
    from . import lpdata, lpkit, lpresult
else:  # run as a copied script: the helpers sit next to this file
    import lpdata
    import lpkit
    import lpresult


# -- data --------------------------------------------------------------------------------------------

# Both sequence demos read the same data: lpdata.load_sequences (a CSV with --data, else generated
# sequences whose class is the order of two markers) and lpdata.raw_sequences for the raw baseline.


# -- model -------------------------------------------------------------------------------------------

class TransformerEncoder(nn.Module):
    def __init__(self, vocab: int, classes: int, length: int, dim: int = 64, heads: int = 4, layers: int = 2):
        super().__init__()
        self.tokens = nn.Embedding(vocab, dim, padding_idx=0)
        self.positions = nn.Parameter(0.02 * torch.randn(1, length, dim))  # learned: order is the signal
        block = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=2 * dim, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, tokens):  # tokens: B x L
        pad = tokens == 0
        h = self.tokens(tokens) + self.positions[:, : tokens.shape[1]]  # B x L x dim
        h = self.norm(self.encoder(h, src_key_padding_mask=pad))  # B x L x dim
        keep = (~pad).unsqueeze(-1).float()
        z = (h * keep).sum(1) / keep.sum(1).clamp(min=1)  # B x dim: mean over real tokens
        return self.head(z), z


def train(model, x, targets, epochs, device, batch=64):
    """Cross-entropy on the sequences with a target (given or self-trained label)."""
    known = torch.from_numpy(np.flatnonzero(targets >= 0))
    y = torch.from_numpy(targets).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps = epochs * max(10, -(-len(known) // batch))  # few labels still need enough steps
    model.train()
    for step in range(steps):
        idx = known[torch.randint(len(known), (min(batch, len(known)),))].to(device)
        loss = F.cross_entropy(model(x[idx])[0], y[idx])
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        lpkit.advance("transformer: training", step + 1, steps, loss=loss.detach())
    return float(loss.detach())


@torch.no_grad()
def embed(model, x, batch=512):
    model.eval()
    return torch.cat([model(x[i : i + batch])[1] for i in range(0, len(x), batch)]).cpu().numpy()


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("transformer", __doc__.splitlines()[0], samples=2000, epochs=30)
    parser.add_argument("--layers", type=int, default=2, help="encoder layers (default 2)")
    lpdata.add_csv_options(parser, "a text column")
    parser.add_argument("--text-column", default="text", help="column holding the sequence (default text)")
    lpkit.add_self_training(parser, rounds=2)
    args = lpkit.parse(parser, argv)
    lpresult.check_outputs(args, inputs=[args.data])
    if args.quick:
        args.samples, args.epochs, args.rounds = min(args.samples, 600), min(args.epochs, 8), 1
    device = lpkit.choose_device(args.device)
    lpkit.seed_everything(args.seed)

    data = lpdata.load_sequences(args)
    y_semi = lpkit.given_labels(args, data)  # your own data: every label you gave
    x = torch.from_numpy(data.x).to(device)  # N x L token ids
    lpkit.progress(f"transformer: {len(x)} sequences of length {x.shape[1]} on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        model = TransformerEncoder(data.vocab, len(data.classes), x.shape[1], layers=args.layers).to(device)
        return lpkit.self_train("transformer", args.rounds, lambda targets: train(model, x, targets, args.epochs, device),
                                lambda: embed(model, x), labels, lpkit.propagation_settings(args), clock, args.keep)

    timings = {}
    embeddings = fit(y_semi, timings)

    result = lpresult.evaluate(args, family="transformer", variant=f"encoder-{args.layers}-layers", data=data, device=device, embeddings=embeddings,
                               raw=lpdata.raw_sequences(data), y_semi=y_semi, timings=timings, refit=fit)
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
