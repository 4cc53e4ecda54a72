"""MLP demo: a multilayer perceptron's hidden layer turns tabular rows into embeddings.

Default data: scikit-learn's wine table (178 rows, 13 numeric columns in different units, 3 classes),
standardised; ``--table breast-cancer|digits`` picks another built-in table. The network learns from the labeled rows only, then
from its own confident propagated labels (self-training; the hidden labels are never used). A hidden
layer weighs the columns by how much they matter for the classes, where raw propagation weighs every
standardised column the same.

Real data: ``--data FILE.csv`` with a label column (``--label-column``) whose empty cells are unlabeled;
the other columns are read by ``lptable``: numbers (gaps filled), categories (one 0/1 column each), and
what is neither left out, each decision noted.

    python demo.py --table breast-cancer --quick
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

def load(args):
    """Rows N x D, standardised per column, with labels (-1 unknown) and class names."""
    data = lpdata.table_csv(args.data, args.label_column, args.id_column) if args.data else lpdata.table(args.table, args.samples, args.seed)
    # columns in different units would let one of them dominate every distance, raw or learned
    data.x = ((data.x - data.x.mean(0)) / data.x.std(0).clip(min=1e-6)).astype(np.float32)
    return data


# -- model -------------------------------------------------------------------------------------------

class MLP(nn.Module):
    def __init__(self, features: int, classes: int, dim: int = 64):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(features, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, dim), nn.ReLU())
        self.head = nn.Linear(dim, classes)

    def forward(self, x):  # x: B x D
        z = self.body(x)  # B x dim: the hidden layer that labels spread over
        return self.head(z), z


def train(model, x, targets, epochs, device, batch=64, noise=0.1):
    """Cross-entropy on the rows with a target; a little input noise stands in for augmentation."""
    known = torch.from_numpy(np.flatnonzero(targets >= 0))
    y = torch.from_numpy(targets).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-3)
    steps = epochs * max(10, -(-len(known) // batch))  # few labels still need enough steps
    model.train()
    for step in range(steps):
        idx = known[torch.randint(len(known), (min(batch, len(known)),))].to(device)
        rows = x[idx] + noise * torch.randn_like(x[idx])
        loss = F.cross_entropy(model(rows)[0], y[idx])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        lpkit.advance("mlp: training", step + 1, steps, loss=loss.detach())
    return float(loss.detach())


@torch.no_grad()
def embed(model, x):
    model.eval()
    return model(x)[1].cpu().numpy()


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("mlp", __doc__.splitlines()[0], samples=5000, epochs=20)
    parser.add_argument("--table", choices=["wine", "breast-cancer", "digits"], default="wine", help="built-in table (default wine)")
    lpdata.add_csv_options(parser, "columns of numbers or categories (gaps filled, other columns left out and noted)")
    lpkit.add_self_training(parser, rounds=2)
    args = lpkit.parse(parser, argv)
    lpresult.check_outputs(args, inputs=[args.data])
    if args.quick:
        args.epochs, args.rounds = min(args.epochs, 8), 1
    device = lpkit.choose_device(args.device)
    lpkit.seed_everything(args.seed)

    data = load(args)
    y_semi = lpkit.given_labels(args, data)  # your own data: every label you gave
    x = torch.from_numpy(data.x).to(device)  # N x D
    lpkit.progress(f"mlp: {len(x)} rows of {x.shape[1]} columns on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        model = MLP(x.shape[1], len(data.classes)).to(device)
        return lpkit.self_train("mlp", args.rounds, lambda targets: train(model, x, targets, args.epochs, device),
                                lambda: embed(model, x), labels, lpkit.propagation_settings(args), clock, args.keep)

    timings = {}
    embeddings = fit(y_semi, timings)

    result = lpresult.evaluate(args, family="mlp", variant="2-hidden-layers", data=data, device=device, embeddings=embeddings,
                               raw=data.x, y_semi=y_semi, timings=timings, refit=fit)
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
