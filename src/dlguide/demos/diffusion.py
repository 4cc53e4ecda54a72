"""Diffusion demo: a denoising diffusion model's features at a fixed noise level are the embedding.

Default data: scikit-learn's 8x8 handwritten digits (offline). A small convolutional denoiser learns to
predict the noise added to every image at random noise levels (DDPM, Ho et al. 2020; no labels needed, so
all images are used). A class head on its bottleneck features learns the classes of the labeled images
only, at the fixed noise level used for embedding (hidden labels are never used). To remove noise the
model must know what digits look like, and features taken at a moderate noise level ignore pixel-level
detail. A PNG grid shows samples drawn by running the reverse process from pure noise.

Real data: ``--data DIR`` (one folder per class, plus ``unlabeled/``) or ``--dataset mnist|
fashion-mnist|cifar10 [--download]``.

    python demo.py --quick --png samples.png
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

if __package__:
    from . import lpdata, lpkit, lpplot, lpresult
else:  # run as a copied script: the helpers sit next to this file
    import lpdata
    import lpkit
    import lpplot
    import lpresult


# -- model -------------------------------------------------------------------------------------------

class Denoiser(nn.Module):
    """Predicts the noise in x_t; a small U-Net-like stack conditioned on the step t."""

    def __init__(self, channels: int, size: int, classes: int, steps: int, width: int = 64, dim: int = 128):
        super().__init__()
        self.time = nn.Embedding(steps, width)
        self.down = nn.Sequential(nn.Conv2d(channels, width, 3, padding=1), nn.SiLU(), nn.Conv2d(width, width, 3, stride=2, padding=1), nn.SiLU())
        self.middle = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.SiLU())
        self.up = nn.Sequential(nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1), nn.SiLU(), nn.Conv2d(width, channels, 3, padding=1))
        self.embed = nn.Sequential(nn.Flatten(), nn.Linear(width * (size // 2) ** 2, dim), nn.SiLU())
        self.head = nn.Linear(dim, classes)

    def forward(self, x_t, t):  # x_t: B x C x S x S, t: B
        h = self.down(x_t) + self.time(t)[:, :, None, None]  # B x w x S/2 x S/2
        m = self.middle(h)  # B x w x S/2 x S/2
        z = self.embed(m)  # B x dim: the features that labels spread over
        return self.up(torch.cat([h, m], 1)), self.head(z), z


def schedule(steps: int, device):
    betas = torch.linspace(1e-4, 0.05, steps, device=device)
    return betas, torch.cumprod(1 - betas, 0)


def noised(x, t, alpha_bar, generator=None):
    noise = torch.randn(x.shape, device=x.device, generator=generator)
    a = alpha_bar[t].view(-1, 1, 1, 1)
    return a.sqrt() * (2 * x - 1) + (1 - a).sqrt() * noise, noise  # images live in [-1, 1] here


def train(model, x, targets, epochs, steps, level, device, batch=64):
    """Noise prediction on every image at random steps; class cross-entropy on labeled ones at ``level``."""
    known = np.flatnonzero(targets >= 0)
    y = torch.from_numpy(targets).to(device)
    _, alpha_bar = schedule(steps, device)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    model.train()
    for epoch in range(epochs):
        for idx in torch.randperm(len(x), device=device).split(batch):
            t = torch.randint(0, steps, (len(idx),), device=device)
            x_t, noise = noised(x[idx], t, alpha_bar)
            loss = F.mse_loss(model(x_t, t)[0], noise)
            labeled = torch.from_numpy(np.random.choice(known, size=min(batch, len(known)))).to(device)
            at = torch.full((len(labeled),), level, device=device)
            loss = loss + F.cross_entropy(model(noised(lpdata.random_shift(x[labeled]), at, alpha_bar)[0], at)[1], y[labeled])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        lpkit.advance("diffusion: epoch", epoch + 1, epochs, loss=loss.detach())


@torch.no_grad()
def embed(model, x, steps, level, draws=4, seed=0):
    """Mean bottleneck features over a few noise draws at step ``level``, with a fixed noise generator."""
    model.eval()
    _, alpha_bar = schedule(steps, x.device)
    generator = torch.Generator(device=x.device).manual_seed(seed)
    t = torch.full((len(x),), level, device=x.device)
    return torch.stack([model(noised(x, t, alpha_bar, generator)[0], t)[2] for _ in range(draws)]).mean(0).cpu().numpy()


@torch.no_grad()
def sample(model, shape, steps, device, count=32):
    """Ancestral sampling (DDPM): start from noise and remove the predicted noise step by step."""
    model.eval()
    betas, alpha_bar = schedule(steps, device)
    x = torch.randn(count, *shape, device=device)  # count x C x S x S
    for step in reversed(range(steps)):
        t = torch.full((count,), step, device=device)
        eps = model(x, t)[0]
        x = (x - betas[step] / (1 - alpha_bar[step]).sqrt() * eps) / (1 - betas[step]).sqrt()
        if step:
            x = x + betas[step].sqrt() * torch.randn_like(x)
    return (x + 1) / 2


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("diffusion", __doc__.splitlines()[0], samples=1797, epochs=30)
    lpdata.add_image_options(parser)
    parser.add_argument("--steps", type=int, default=100, help="diffusion steps (default 100)")
    parser.add_argument("--level", type=int, default=10, help="the step whose features are the embedding (default 10)")
    parser.add_argument("--png", default=None, help="where to write a grid of generated samples (default: diffusion_samples.png, or diffusion_samples-1.png and so on if it exists: never overwritten)")
    args = lpkit.parse(parser, argv)
    lpresult.check_outputs(args, inputs=[args.data])
    if not 0 <= args.level < args.steps:
        raise lpkit.DemoError("usage", f"--level must be in [0, --steps), got {args.level} with --steps {args.steps}")
    if args.quick:
        args.samples, args.epochs = min(args.samples, 600), min(args.epochs, 5)
    device = lpkit.choose_device(args.device)
    lpkit.seed_everything(args.seed)

    data = lpdata.load_images(args)  # default: digits, N x 1 x 8 x 8
    y_semi = lpkit.given_labels(args, data)  # your own data: every label you gave
    x = torch.from_numpy(data.x).to(device)  # N x C x S x S
    lpkit.progress(f"diffusion: {len(x)} images {tuple(x.shape[1:])} on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        model = Denoiser(x.shape[1], x.shape[-1], len(data.classes), args.steps).to(device)
        with lpkit.timed(clock, "train"):
            train(model, x, labels, args.epochs, args.steps, args.level, device)
        with lpkit.timed(clock, "embed"):
            return embed(model, x, args.steps, args.level, seed=args.seed), model

    timings = {}
    embeddings, model = fit(y_semi, timings)
    png = lpplot.save_grid(sample(model, tuple(x.shape[1:]), args.steps, device), args.png, "diffusion_samples.png")

    result = lpresult.evaluate(args, family="diffusion", variant=f"ddpm-{args.steps}-steps-features-at-{args.level}", data=data,
                               device=device, embeddings=embeddings, raw=data.x, y_semi=y_semi, timings=timings, files={"png": png},
                               refit=lambda labels, clock: fit(labels, clock)[0])
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
