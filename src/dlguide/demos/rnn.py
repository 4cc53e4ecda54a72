"""RNN demo: a recurrent encoder (LSTM, GRU or plain RNN) reads token sequences into embeddings.

Default data: generated sequences whose class is the order of two marker tokens placed at least 12
positions apart among random filler (A..B, B..A, A..A, B..B). A..B and B..A contain the same tokens, so
only a model that reads in order can separate them; raw propagation compares position-wise one-hot
vectors, where a marker one step to the left is a different feature. The encoder learns from the labeled
sequences only, then from its own confident propagated labels (self-training; hidden labels are never
used). ``--cell lstm|gru|rnn`` picks the recurrent cell; each reads both ways and averages over time.

Real data: ``--data FILE.csv`` with a text column (``--text-column``, split into words and punctuation, or into
characters) and a label column (``--label-column``) whose empty cells are unlabeled.

    python demo.py --cell gru --quick
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

class RecurrentEncoder(nn.Module):
    def __init__(self, vocab: int, classes: int, cell: str, dim: int = 64):
        super().__init__()
        self.tokens = nn.Embedding(vocab, 32, padding_idx=0)
        recurrent = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = recurrent(32, dim, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * dim, classes)

    def forward(self, tokens):  # tokens: B x L
        out, _ = self.rnn(self.tokens(tokens))  # B x L x 2dim
        mask = (tokens > 0).unsqueeze(-1).float()  # padding does not count in the mean
        z = (out * mask).sum(1) / mask.sum(1).clamp(min=1)  # B x 2dim: mean over time
        return self.head(z), z


def train(model, x, targets, epochs, device, batch=64):
    """Cross-entropy on the sequences with a target (given or self-trained label)."""
    known = torch.from_numpy(np.flatnonzero(targets >= 0))
    y = torch.from_numpy(targets).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    steps = epochs * max(10, -(-len(known) // batch))  # few labels still need enough steps
    model.train()
    for step in range(steps):
        idx = known[torch.randint(len(known), (min(batch, len(known)),))].to(device)
        loss = F.cross_entropy(model(x[idx])[0], y[idx])
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # recurrent gradients can spike
        optimiser.step()
        lpkit.advance("rnn: training", step + 1, steps, loss=loss.detach())
    return float(loss.detach())


@torch.no_grad()
def embed(model, x, batch=512):
    model.eval()
    return torch.cat([model(x[i : i + batch])[1] for i in range(0, len(x), batch)]).cpu().numpy()


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("rnn", __doc__.splitlines()[0], samples=2000, epochs=30)
    parser.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm", help="recurrent cell (default lstm)")
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
    lpkit.progress(f"rnn ({args.cell}): {len(x)} sequences of length {x.shape[1]} on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        model = RecurrentEncoder(data.vocab, len(data.classes), args.cell).to(device)
        return lpkit.self_train("rnn", args.rounds, lambda targets: train(model, x, targets, args.epochs, device),
                                lambda: embed(model, x), labels, lpkit.propagation_settings(args), clock, args.keep)

    timings = {}
    embeddings = fit(y_semi, timings)

    result = lpresult.evaluate(args, family="rnn", variant=args.cell, data=data, device=device, embeddings=embeddings,
                               raw=lpdata.raw_sequences(data), y_semi=y_semi, timings=timings, refit=fit)
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
