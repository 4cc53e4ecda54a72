"""GNN demo: a graph convolution network mixes each node's features with its neighbours' into embeddings.

Default data: a generated stochastic block model of 5 classes; a node has about 8 edges inside its class
and 1 outside, and its 16 features are the class centre plus noise twice as large as the centres' spread,
so features alone are poor evidence. The GCN (Kipf and Welling, 2017) learns from the labeled nodes'
classes only; every node's features and every edge are used, as in transductive node classification.
Averaging over neighbours cancels the noise: that is the inductive bias that propagation on the raw
features misses. Pure torch, with a sparse normalised adjacency (no networkx, no torch_geometric).

Real data: ``--edges FILE`` (two node ids a line, or a CSV of two columns) with ``--nodes FILE.csv``
(first column the node id, a label column whose empty cells are unlabeled, feature columns of numbers or categories).

    python demo.py --quick
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
    """Node features N x D (standardised), edges E x 2 (``data.edges``), labels (-1 unknown), class names."""
    if args.edges or args.nodes:
        if not (args.edges and args.nodes):
            raise lpkit.DemoError("usage", "--edges and --nodes go together: an edge list and its node table")
        data = lpdata.graph_files(args.edges, args.nodes, args.label_column)
    else:
        data = lpdata.block_model(args.samples, args.seed)
    data.x = ((data.x - data.x.mean(0)) / data.x.std(0).clip(min=1e-6)).astype(np.float32)
    return data


def normalised_adjacency(edges: np.ndarray, n: int, device) -> torch.Tensor:
    """D^-1/2 (A + I) D^-1/2 as a sparse N x N tensor: each node averages itself and its neighbours."""
    loops = np.arange(n)
    src = np.concatenate([edges[:, 0], edges[:, 1], loops])
    dst = np.concatenate([edges[:, 1], edges[:, 0], loops])
    index = torch.from_numpy(np.stack([src, dst])).long()
    adjacency = torch.sparse_coo_tensor(index, torch.ones(len(src)), (n, n), check_invariants=True).coalesce()
    adjacency = torch.sparse_coo_tensor(adjacency.indices(), torch.ones_like(adjacency.values()), (n, n), check_invariants=True).coalesce()  # no double edges
    degree = torch.sparse.sum(adjacency, 1).to_dense()
    scale = degree.pow(-0.5)
    i, j = adjacency.indices()
    return torch.sparse_coo_tensor(adjacency.indices(), scale[i] * scale[j], (n, n), check_invariants=True).coalesce().to(device)


# -- model -------------------------------------------------------------------------------------------

class GCN(nn.Module):
    def __init__(self, features: int, classes: int, dim: int = 64, dropout: float = 0.5):
        super().__init__()
        self.first = nn.Linear(features, dim)
        self.second = nn.Linear(dim, dim)
        self.head = nn.Linear(dim, classes)
        self.dropout = dropout

    def forward(self, x, adjacency):  # x: N x D, adjacency: sparse N x N
        h = F.relu(torch.sparse.mm(adjacency, self.first(F.dropout(x, self.dropout, self.training))))  # N x dim
        z = torch.sparse.mm(adjacency, self.second(F.dropout(h, self.dropout, self.training)))  # N x dim: two hops
        return self.head(F.relu(z)), z


def train(model, x, adjacency, targets, epochs, device):
    """Full-graph training: cross-entropy on the labeled nodes, every node's features flowing in."""
    known = torch.from_numpy(np.flatnonzero(targets >= 0)).to(device)
    y = torch.from_numpy(targets).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=5e-4)
    model.train()
    for epoch in range(epochs):
        logits, _ = model(x, adjacency)
        loss = F.cross_entropy(logits[known], y[known])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        lpkit.advance("gnn: epoch", epoch + 1, epochs, loss=loss.detach())
    return float(loss.detach())


@torch.no_grad()
def embed(model, x, adjacency):
    model.eval()
    return model(x, adjacency)[1].cpu().numpy()


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("gnn", __doc__.splitlines()[0], samples=2000, epochs=200)
    parser.add_argument("--edges", metavar="FILE", help="edge list: two node ids a line (spaces or a comma)")
    parser.add_argument("--nodes", metavar="FILE", help="node table CSV: id, a label column, feature columns (numbers or categories)")
    parser.add_argument("--label-column", default="label", help="column of --nodes holding the label (default label)")
    args = lpkit.parse(parser, argv)
    lpresult.check_outputs(args, inputs=[args.edges, args.nodes])
    if args.quick:
        args.samples, args.epochs = min(args.samples, 600), min(args.epochs, 60)
    device = lpkit.choose_device(args.device)
    lpkit.seed_everything(args.seed)

    data = load(args)
    y_semi = lpkit.given_labels(args, data)  # your own data: every label you gave
    x = torch.from_numpy(data.x).to(device)  # N x D
    adjacency = normalised_adjacency(data.edges, len(x), device)  # sparse N x N
    lpkit.progress(f"gnn: {len(x)} nodes, {len(data.edges)} edges on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        model = GCN(x.shape[1], len(data.classes)).to(device)
        with lpkit.timed(clock, "train"):
            train(model, x, adjacency, labels, args.epochs, device)
        with lpkit.timed(clock, "embed"):
            return embed(model, x, adjacency)

    timings = {}
    embeddings = fit(y_semi, timings)

    result = lpresult.evaluate(args, family="gnn", variant="gcn-2-layers", data=data, device=device, embeddings=embeddings,
                               raw=data.x, y_semi=y_semi, timings=timings, refit=fit)
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
