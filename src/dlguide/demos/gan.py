"""GAN demo: a semi-supervised GAN's discriminator features are the embedding that labels spread over.

Default data: scikit-learn's 8x8 handwritten digits (offline). Following Salimans et al. (2016), the
discriminator has one output per class: it learns to tell real images from the generator's fakes (every
image takes part, no labels needed) and to name the class of the labeled images only, each seen turned,
moved and scaled a little; in two more rounds it also learns from the 90% most confident labels
propagated over its own features (self-training: hidden labels are never used). To tell real from fake it must learn what digits look like, so its features organise even
the unlabeled images. The generator learns by feature matching, which keeps training stable. A PNG grid
shows generated samples.

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

class Generator(nn.Module):
    def __init__(self, channels: int, size: int, noise: int = 32, width: int = 64):
        super().__init__()
        cells = size // 4
        self.noise = noise
        self.net = nn.Sequential(
            nn.Linear(noise, width * cells * cells), nn.BatchNorm1d(width * cells * cells), nn.ReLU(),
            nn.Unflatten(1, (width, cells, cells)),  # B x w x S/4 x S/4
            nn.ConvTranspose2d(width, width // 2, 4, stride=2, padding=1), nn.BatchNorm2d(width // 2), nn.ReLU(),
            nn.ConvTranspose2d(width // 2, channels, 4, stride=2, padding=1), nn.Sigmoid(),  # B x C x S x S
        )

    def forward(self, count: int, device):
        return self.net(torch.randn(count, self.noise, device=device))


class Discriminator(nn.Module):
    def __init__(self, channels: int, size: int, classes: int, width: int = 32, dim: int = 128):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.LeakyReLU(0.2), nn.Dropout(0.2),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.LeakyReLU(0.2), nn.Dropout(0.2),
            nn.Conv2d(2 * width, 2 * width, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(2 * width * (size // 4) ** 2, dim), nn.LeakyReLU(0.2),
        )
        self.head = nn.Linear(dim, classes)

    def forward(self, x):  # x: B x C x S x S
        z = self.features(x)  # B x dim: the features that labels spread over
        return self.head(z), z


def train(disc, gen, x, targets, epochs, device, batch=64):
    """Salimans et al.'s losses: class cross-entropy on labeled images, real vs fake on all of them."""
    known = np.flatnonzero(targets >= 0)
    y = torch.from_numpy(targets).to(device)
    opt_d = torch.optim.Adam(disc.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.5, 0.999))
    for epoch in range(epochs):
        disc.train(), gen.train()
        for idx in torch.randperm(len(x), device=device).split(batch):
            if len(idx) < 2:
                continue
            labeled = torch.from_numpy(np.random.choice(known, size=min(batch, len(known)))).to(device)
            fake = gen(len(idx), device)
            real_logits, _ = disc(x[idx])
            fake_logits, _ = disc(fake.detach())
            # D(real) = Z / (Z + 1) with Z = sum(exp(logits)), so log D(real) = lse - softplus(lse)
            real_lse, fake_lse = torch.logsumexp(real_logits, 1), torch.logsumexp(fake_logits, 1)
            unsupervised = (F.softplus(real_lse) - real_lse).mean() + F.softplus(fake_lse).mean()
            supervised = F.cross_entropy(disc(lpdata.random_affine(x[labeled]))[0], y[labeled])
            opt_d.zero_grad()
            (supervised + unsupervised).backward()
            opt_d.step()
            # feature matching: the generator matches the mean discriminator features of real images
            _, real_features = disc(x[idx])
            _, fake_features = disc(gen(len(idx), device))
            g_loss = (real_features.detach().mean(0) - fake_features.mean(0)).pow(2).mean()
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
        lpkit.advance("gan: epoch", epoch + 1, epochs, d=(supervised + unsupervised).detach(), g=g_loss.detach())


@torch.no_grad()
def embed(disc, x, batch=512):
    disc.eval()
    return torch.cat([disc(x[i : i + batch])[1] for i in range(0, len(x), batch)]).cpu().numpy()


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("gan", __doc__.splitlines()[0], samples=1797, epochs=15)
    lpdata.add_image_options(parser)
    parser.add_argument("--png", default=None, help="where to write a grid of generated samples (default: gan_samples.png, or gan_samples-1.png and so on if it exists: never overwritten)")
    lpkit.add_self_training(parser, rounds=3, keep=0.9)
    args = lpkit.parse(parser, argv)
    lpresult.check_outputs(args, inputs=[args.data])
    if args.quick:
        args.samples, args.epochs, args.rounds = min(args.samples, 600), min(args.epochs, 5), 1
    device = lpkit.choose_device(args.device)
    lpkit.seed_everything(args.seed)

    data = lpdata.load_images(args)  # default: digits, N x 1 x 8 x 8
    y_semi = lpkit.given_labels(args, data)  # your own data: every label you gave
    x = torch.from_numpy(data.x).to(device)  # N x C x S x S
    lpkit.progress(f"gan: {len(x)} images {tuple(x.shape[1:])} on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        disc = Discriminator(x.shape[1], x.shape[-1], len(data.classes)).to(device)
        gen = Generator(x.shape[1], x.shape[-1]).to(device)
        return lpkit.self_train("gan", args.rounds, lambda targets: train(disc, gen, x, targets, args.epochs, device),
                                lambda: embed(disc, x), labels, lpkit.propagation_settings(args), clock, args.keep), gen

    timings = {}
    embeddings, gen = fit(y_semi, timings)
    gen.eval()
    with torch.no_grad():
        png = lpplot.save_grid(gen(32, device), args.png, "gan_samples.png")

    result = lpresult.evaluate(args, family="gan", variant="semi-supervised-gan", data=data, device=device,
                               embeddings=embeddings, raw=data.x, y_semi=y_semi, timings=timings, files={"png": png},
                               refit=lambda labels, clock: fit(labels, clock)[0])
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
