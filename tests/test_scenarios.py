"""Realistic situations and the family the seeds (or common practice) say should come first.

Each case cites what its expected answer rests on. The engine must put ``top`` first and every family
in ``top3`` within the first three. A sample of the cases also runs through the real CLI with --json.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dlguide import engine
from dlguide import kb as knowledge
from dlguide.rules_schema import Profile

S000 = "seed:000 comparison table"
CASES = [
    # ---- images ----------------------------------------------------------------------------------
    dict(id="xray-small-laptop", p=dict(data="image", task="classify", samples=800, labeled=0.1, compute="low"), top="cnn",
         advice=["pretrained", "semi-supervised"], source=f"{S000}: CNN better than Transformers for smaller image datasets; seed:003 transfer learning for small data"),
    dict(id="cifar-medium", p=dict(data="image", task="classify", samples=50000, compute="medium"), top="cnn", top3=["transformer"],
         source=f"{S000}: CNN row, image classification (CIFAR-10)"),
    dict(id="imagenet-scale-cluster", p=dict(data="image", task="classify", samples=5_000_000, compute="high", priority=["quality"]),
         top="transformer", top3=["cnn"], variant=("transformer", "vit"),
         source=f"{S000}: Transformer row, Vision Transformers; ViT paper: beats CNNs with very large data and compute"),
    dict(id="mnist-digits", p=dict(data="image", task="classify", samples=60000, compute="low"), top="cnn",
         source=f"{S000}: CNN examples, MNIST"),
    dict(id="unknown-size-images", p=dict(data="image", task="classify"), top="cnn", source=f"{S000}: CNN for image recognition"),
    dict(id="defect-boxes", p=dict(data="image", task="detect", samples=5000, compute="medium"), top="cnn", variant=("cnn", "yolo"),
         source=f"{S000}: CNN examples, object detection (YOLO, Faster R-CNN)"),
    dict(id="pedestrians-realtime", p=dict(data="image", task="detect", samples=100000, compute="medium", priority=["speed"]),
         top="cnn", source=f"{S000}: CNN object detection; YOLO is the real-time detector"),
    dict(id="mri-tumour-masks", p=dict(data="image", task="segment", samples=300, labeled=1.0, compute="medium"), top="cnn",
         variant=("cnn", "unet"), source=f"{S000}: CNN examples, medical image segmentation (tumours in MRI)"),
    dict(id="satellite-segmentation-big", p=dict(data="image", task="segment", samples=200000, compute="high"), top="cnn", top3=["transformer"],
         source=f"{S000}: CNN for segmentation; transformers when global context and compute allow"),
    dict(id="age-from-face", p=dict(data="image", task="regress", samples=20000, compute="medium"), top="cnn",
         source="seed:003 CNN best for image and spatial data"),
    dict(id="image-embeddings-search", p=dict(data="image", task="embed", samples=30000, labeled=1.0), top="cnn",
         source="seed:001 demo: pretrained ResNet as feature extractor for embeddings"),
    dict(id="unlabeled-image-features", p=dict(data="image", task="embed", samples=20000, labeled=0.0), top="autoencoder", top3=["cnn"],
         source=f"{S000}: Autoencoder row, unsupervised feature learning"),
    dict(id="denoise-scans", p=dict(data="image", task="denoise", samples=5000), top="autoencoder",
         source=f"{S000}: Autoencoder examples, image denoising autoencoder"),
    dict(id="compress-images", p=dict(data="image", task="compress", samples=10000, labeled=0.0), top="autoencoder",
         source=f"{S000}: Autoencoder row, compression and dimensionality reduction"),
    dict(id="image-anomaly-factory", p=dict(data="image", task="anomaly", samples=3000, labeled=0.0, compute="medium"), top="autoencoder",
         source=f"{S000}: Autoencoder row, anomaly detection"),
    # ---- generation ------------------------------------------------------------------------------
    dict(id="faces-fast", p=dict(data="image", task="generate", samples=70000, compute="medium", priority=["speed"]), top="gan",
         top3=["diffusion"], source=f"{S000}: GAN better than Diffusion for faster generation"),
    dict(id="faces-fidelity", p=dict(data="image", task="generate", samples=70000, compute="high", priority=["quality"]), top="diffusion",
         top3=["gan"], source=f"{S000}: Diffusion better than GANs for diverse, high-quality samples"),
    dict(id="art-stable-training", p=dict(data="image", task="generate", samples=30000, compute="medium", priority=["stability"]),
         top="diffusion", source=f"{S000}: GAN row, not when stable training is critical (mode collapse)"),
    dict(id="generate-unknown-priority", p=dict(data="image", task="generate", samples=100000, compute="medium"), top="diffusion", top3=["gan"],
         source=f"{S000}: Diffusion row, high-fidelity image generation"),
    dict(id="realtime-generation-laptop", p=dict(data="image", task="generate", samples=20000, compute="low", priority=["speed"]),
         top="gan", source=f"{S000}: GAN faster generation; diffusion slow and heavy"),
    dict(id="text-to-image", p=dict(data="multimodal", task="generate", samples=2_000_000, compute="high"), top="diffusion",
         top3=["transformer"], variant=("diffusion", "latent"), source=f"{S000}: Diffusion examples, text-to-image (Stable Diffusion)"),
    dict(id="sketch-to-photo", p=dict(data="image", task="translate", samples=10000, compute="medium"), top="gan",
         source=f"{S000}: GAN examples, image-to-image translation (sketches to photos)"),
    dict(id="augment-rare-class", p=dict(data="image", task="generate", samples=5000, compute="medium", priority=["speed"]), top="gan",
         source=f"{S000}: GAN row, data augmentation and fast generation"),
    dict(id="text-generation-gpt", p=dict(data="text", task="generate", samples=1_000_000, seq_len=1024, compute="high"), top="transformer",
         variant=("transformer", "decoder-only"), source=f"{S000}: Transformer examples, language modelling and text generation (GPT)"),
    dict(id="char-rnn-laptop", p=dict(data="text", task="generate", samples=500, seq_len=40, compute="low"), top="rnn",
         source=f"{S000}: RNN examples, text generation; better than Transformers for short sequences with limited compute"),
    dict(id="synthetic-tables", p=dict(data="tabular", task="generate", samples=50000, compute="medium"), top="gan",
         source=f"{S000}: GAN row, data generation and augmentation (CTGAN in practice)"),
    dict(id="music-generation", p=dict(data="audio", task="generate", samples=200000, compute="high", priority=["quality"]),
         top="diffusion", source=f"{S000}: Diffusion row, complex data generation with high fidelity"),
    dict(id="video-generation", p=dict(data="video", task="generate", samples=500000, compute="high"), top="diffusion",
         source=f"{S000}: Diffusion examples, video generation or frame interpolation"),
    # ---- text ------------------------------------------------------------------------------------
    dict(id="reviews-sentiment-big", p=dict(data="text", task="classify", samples=500000, seq_len=300, compute="medium"), top="transformer",
         top3=["rnn"], source="seed:002 Transformers (BERT) revolutionised NLP, e.g. sentiment analysis"),
    dict(id="long-documents-cluster", p=dict(data="text", task="classify", samples=200000, seq_len=4000, compute="high"), top="transformer",
         source=f"{S000}: Transformer better than RNNs for long sequences; RNN row, not for very long sequences"),
    dict(id="tweets-short-laptop", p=dict(data="text", task="classify", samples=3000, seq_len=30, compute="low"), top="rnn",
         variant=("rnn", "gru"), source=f"{S000}: RNN better than Transformers for short-to-medium sequences with limited compute"),
    dict(id="sms-spam-tiny", p=dict(data="text", task="classify", samples=600, seq_len=20, compute="low", labeled=1.0), top="rnn",
         source=f"{S000}: Transformer row, not when the dataset is very small or compute limited"),
    dict(id="translation-en-fr", p=dict(data="text", task="translate", samples=5_000_000, seq_len=60, compute="high"), top="transformer",
         variant=("transformer", "encoder-decoder"), source=f"{S000}: Transformer examples, machine translation (English to French)"),
    dict(id="translation-unknown-size", p=dict(data="text", task="translate"), top="transformer", top3=["rnn"],
         source=f"{S000}: Transformer examples, machine translation"),
    dict(id="summarise-long", p=dict(data="text", task="translate", samples=300000, seq_len=3000, compute="high"), top="transformer",
         source=f"{S000}: Transformers for sequence-to-sequence tasks and long sequences"),
    dict(id="sentence-embeddings", p=dict(data="text", task="embed", samples=1_000_000, compute="medium"), top="transformer",
         source="seed:001 demo 002: transformer (distilgpt2) embeddings of text"),
    dict(id="text-few-labels", p=dict(data="text", task="classify", samples=20000, labeled=0.05, compute="medium"), top="transformer",
         advice=["semi-supervised"], source="seed:001 demos: embeddings plus label propagation when labels are few"),
    dict(id="log-anomaly-text", p=dict(data="text", task="anomaly", samples=100000, labeled=0.0), top="autoencoder", top3=["transformer"],
         source=f"{S000}: Autoencoder row, anomaly detection from unlabeled data"),
    # ---- audio -----------------------------------------------------------------------------------
    dict(id="speech-to-text", p=dict(data="audio", task="translate", samples=1_000_000, seq_len=1500, compute="high"), top="transformer",
         top3=["rnn"], source=f"{S000}: RNN examples, speech recognition; Transformers for long sequences"),
    dict(id="keyword-spotting-laptop", p=dict(data="audio", task="classify", samples=5000, seq_len=50, compute="low"), top="rnn",
         variant=("rnn", "gru"), source=f"{S000}: RNN row, speech and audio with limited compute"),
    dict(id="bird-sounds", p=dict(data="audio", task="classify", samples=20000, compute="medium"), top="cnn", top3=["rnn", "transformer"],
         source="seed:001 CNNs in speech recognition; CNNs on spectrograms in practice"),
    dict(id="denoise-speech", p=dict(data="audio", task="denoise", samples=10000), top="rnn", top3=["cnn", "autoencoder"],
         source=f"{S000}: Autoencoder row, denoising; current practice (issue 8): speech enhancement is recurrent or "
                "convolutional - RNNoise (Valin 2018), Conv-TasNet (Luo and Mesgarani 2019), Demucs (Defossez et al. 2020)"),
    # ---- time series -----------------------------------------------------------------------------
    dict(id="stock-forecast", p=dict(data="time-series", task="forecast", samples=5000, seq_len=60, compute="low"), top="rnn",
         source=f"{S000}: RNN examples, time-series forecasting (stock prices)"),
    dict(id="weather-forecast-medium", p=dict(data="time-series", task="forecast", samples=50000, seq_len=300, compute="medium"), top="rnn",
         variant=("rnn", "lstm"), source=f"{S000}: RNN examples, weather forecasting; LSTM for long-term dependencies"),
    dict(id="very-long-sensor-series", p=dict(data="time-series", task="forecast", samples=200000, seq_len=5000, compute="high"),
         top="transformer", top3=["rnn"], source=f"{S000}: RNN row, for very long sequences Transformers are more effective"),
    dict(id="ecg-classify", p=dict(data="time-series", task="classify", samples=10000, seq_len=250, compute="medium"), top="rnn",
         source=f"{S000}: RNN row, sequential data with temporal dependencies"),
    dict(id="pump-vibration-anomaly", p=dict(data="time-series", task="anomaly", samples=20000, labeled=0.0, compute="low"), top="autoencoder",
         top3=["rnn"], source=f"{S000}: Autoencoder examples, anomaly detection in manufacturing sensor data"),
    dict(id="network-traffic-anomaly", p=dict(data="time-series", task="anomaly", samples=100000, seq_len=100), top="autoencoder",
         top3=["rnn"], source=f"{S000}: RNN examples, anomaly detection in network traffic; Autoencoder row, anomaly detection"),
    dict(id="energy-regression", p=dict(data="time-series", task="regress", samples=8000, seq_len=48), top="rnn",
         source="seed:003 sequence learning for time-series prediction"),
    dict(id="compress-sensor", p=dict(data="time-series", task="compress", labeled=0.0), top="autoencoder",
         source=f"{S000}: Autoencoder row, dimensionality reduction"),
    # ---- tabular ---------------------------------------------------------------------------------
    dict(id="churn-small-table", p=dict(data="tabular", task="classify", samples=5000, compute="low"), top="mlp",
         advice=["gradient-boosted"], source="Grinsztajn et al. 2022: trees beat deep nets on small tabular data; seed:003 ANN general-purpose"),
    dict(id="house-prices", p=dict(data="tabular", task="regress", samples=20000), top="mlp", advice=["gradient-boosted"],
         source="seed:003 ANN general-purpose; gradient-boosted trees are the tabular baseline"),
    dict(id="fraud-big-table", p=dict(data="tabular", task="classify", samples=5_000_000, compute="high"), top="mlp",
         source="seed:003 ANN general-purpose network for structured data"),
    dict(id="tabular-anomaly-unlabeled", p=dict(data="tabular", task="anomaly", samples=50000, labeled=0.0), top="autoencoder",
         source=f"{S000}: Autoencoder row, anomaly detection, unsupervised"),
    dict(id="tabular-compress", p=dict(data="tabular", task="compress", samples=10000), top="autoencoder",
         source=f"{S000}: Autoencoder row, dimensionality reduction"),
    dict(id="tabular-interpretable", p=dict(data="tabular", task="classify", samples=2000, priority=["interpretability"]), top="mlp",
         advice=["gradient-boosted"], source="common practice: interpretable baselines for small tables"),
    dict(id="demand-forecast-table", p=dict(data="time-series", task="forecast", samples=100000, seq_len=365, compute="medium"), top="rnn",
         top3=["transformer"], source=f"{S000}: RNN examples, time-series forecasting"),
    # ---- graphs ----------------------------------------------------------------------------------
    dict(id="molecule-toxicity", p=dict(data="graph", task="classify", samples=7000, compute="medium"), top="gnn",
         source=f"{S000}: GNN examples, molecule property prediction"),
    dict(id="molecule-solubility", p=dict(data="graph", task="regress", samples=1000), top="gnn",
         source=f"{S000}: GNN examples, molecule property prediction in drug discovery"),
    dict(id="social-node-interests", p=dict(data="graph", task="classify", samples=100000, labeled=0.1), top="gnn",
         source=f"{S000}: GNN examples, node classification in social networks"),
    dict(id="friend-recommendation", p=dict(data="graph", task="link", samples=2_000_000, compute="high"), top="gnn",
         variant=("gnn", "graphsage"), source=f"{S000}: GNN examples, link prediction (predicting friendships)"),
    dict(id="knowledge-graph-completion", p=dict(data="graph", task="link", samples=50000, compute="low"), top="gnn",
         source=f"{S000}: GNN row, knowledge graphs; link prediction"),
    dict(id="graph-embeddings", p=dict(data="graph", task="embed", samples=30000), top="gnn",
         source=f"{S000}: GNN row, node or graph-level embeddings"),
    dict(id="fraud-ring-anomaly", p=dict(data="graph", task="anomaly", samples=100000), top="gnn", top3=["autoencoder"],
         source=f"{S000}: GNN row, relational data; graph autoencoders for graph anomalies"),
    dict(id="road-network-traffic", p=dict(data="graph", task="regress", samples=20000, compute="medium"), top="gnn",
         source=f"{S000}: GNN row, transportation networks"),
    # ---- video and multimodal --------------------------------------------------------------------
    dict(id="action-recognition", p=dict(data="video", task="classify", samples=10000, compute="medium"), top="cnn",
         source=f"{S000}: CNN row, video frame analysis"),
    dict(id="video-big-cluster", p=dict(data="video", task="classify", samples=1_000_000, compute="high"), top="transformer",
         top3=["cnn"], source=f"{S000}: Transformer row, vision with global context given data and compute"),
    dict(id="cctv-detection", p=dict(data="video", task="detect", samples=20000, compute="medium", priority=["speed"]), top="cnn",
         source="seed:001 CNNs for object detection in videos"),
    dict(id="image-caption-retrieval", p=dict(data="multimodal", task="embed", samples=400000, compute="high"), top="transformer",
         source=f"{S000}: Transformer row, multimodal inputs"),
    dict(id="visual-question-answering", p=dict(data="multimodal", task="classify", samples=100000, compute="medium"), top="transformer",
         source=f"{S000}: Transformer row, multimodal tasks"),
    dict(id="image-captioning", p=dict(data="multimodal", task="translate", samples=300000, compute="high"), top="transformer",
         source=f"{S000}: Transformer row, multimodal and sequence generation"),
]


@pytest.fixture(scope="module")
def base():
    return knowledge.load(None)


def _ranked(base, answers):
    return engine.recommend(base, Profile(answers=answers))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_scenario(base, case):
    result = _ranked(base, case["p"])
    order = [r.id for r in result.ranking]
    assert order[0] == case["top"], f"{case['id']}: got {order[:3]} ({case['source']})"
    for family in case.get("top3", []):
        assert family in order[:3], f"{case['id']}: {family} not in top 3 {order[:3]}"
    if "variant" in case:
        family, variant = case["variant"]
        assert next(r for r in result.ranking if r.id == family).variant == variant
    advice = " ".join(a.text.lower() for a in result.advice)
    for word in case.get("advice", []):
        assert word in advice, f"{case['id']}: no advice mentioning {word!r}"


def test_suite_is_broad():
    assert len(CASES) >= 60
    assert all(c["source"] for c in CASES)
    base = knowledge.load(None)
    assert {c["top"] for c in CASES} == set(base.families)
    choices = {q: set(base.questions[q].choice_ids()) for q in ("data", "task")}
    for question, values in choices.items():
        assert values <= {c["p"][question] for c in CASES}, f"{question} values without a scenario"


def _flags(p: dict) -> list[str]:
    args = []
    for key, value in p.items():
        for item in value if isinstance(value, list) else [value]:
            args += [f"--{key.replace('_', '-')}", str(item)]
    return args


@pytest.mark.parametrize("case", CASES[::9], ids=[c["id"] for c in CASES[::9]])
def test_scenario_through_cli_json(case):
    run = subprocess.run([sys.executable, "-m", "dlguide", "recommend", "--json", *_flags(case["p"])],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["recommendations"][0]["id"] == case["top"]


# ---- current practice where the seeds are silent or dated (issue 8), each with its source -------------
# flags, expected leader, families that must be in the top 3, (family, variant) named, words in the advice
PRACTICE = [
    dict(id="few-thousand-texts-one-gpu", p=dict(data="text", task="classify", samples=3000, compute="medium"), top="transformer",
         top3=["rnn"], variant=("transformer", "encoder-only"), pretrained="DistilBERT", advice=["TF-IDF"],
         source="Sanh et al. 2019 (DistilBERT); fine-tuned pretrained encoders lead text classification at almost any size"),
    dict(id="few-thousand-texts-laptop", p=dict(data="text", task="classify", samples=3000, seq_len=40, compute="low"), top="rnn",
         top3=["transformer"], variant=("rnn", "gru"), advice=["pretrained"],
         source="seed:000 RNN row: short sequences with limited compute; a GRU stays right on a laptop CPU"),
    dict(id="document-clustering", p=dict(data="text", task="embed", samples=20000), top="transformer",
         variant=("transformer", "sentence-encoder"), pretrained="Sentence-BERT", advice=["TF-IDF", "k-means"],
         source="Reimers and Gurevych 2019 (Sentence-BERT); TF-IDF with k-means as the classical baseline"),
    dict(id="sound-tagging-small", p=dict(data="audio", task="classify", samples=2000), top="cnn", top3=["transformer"],
         variant=("cnn", "spectrogram-cnn"), pretrained="PANNs", advice=["PANNs"],
         source="Kong et al. 2020 (PANNs); Gong et al. 2021 (AST): spectrogram CNNs and audio transformers lead ESC-50"),
    dict(id="speaker-embeddings", p=dict(data="audio", task="embed", samples=5000), top="cnn", top3=["transformer"],
         source="Snyder et al. 2018 (x-vectors); ECAPA-TDNN (Desplanques et al. 2020): convolutional speaker embeddings"),
    dict(id="realtime-speech-enhancement", p=dict(data="audio", task="denoise", priority=["speed"]), top="cnn", top3=["rnn"],
         source="Valin 2018 (RNNoise); Luo and Mesgarani 2019 (Conv-TasNet); Defossez et al. 2020 (Demucs)"),
    dict(id="small-simple-image-generation", p=dict(data="image", task="generate", samples=3000), top="diffusion",
         top3=["gan", "autoencoder"], variant=("autoencoder", "vae"),
         source="Kingma and Welling 2014 (VAE); Ruiz et al. 2023 (DreamBooth fine-tuning of a pretrained diffusion model)"),
    dict(id="forecasting-baselines", p=dict(data="time-series", task="forecast"), top="rnn", top3=["mlp"],
         variant=("mlp", "forecasting-mlp"), advice=["gradient-boosted trees", "seasonal-naive"],
         source="Oreshkin et al. 2020 (N-BEATS); Zeng et al. 2023 (DLinear); M5 competition (LightGBM)"),
    dict(id="fast-forecast-no-gan", p=dict(data="time-series", task="forecast", priority=["speed"]), top="rnn", top3=["cnn"],
         variant=("cnn", "tcn"), quiet=["gan"],
         source="Bai et al. 2018 (TCN); seed:000 GAN row: a GAN's speed is about generation, not forecasting"),
    dict(id="sensor-classification-convolutions", p=dict(data="time-series", task="classify", samples=5000), top="rnn", top3=["cnn"],
         source="Ismail Fawaz et al. 2019: 1D CNNs (FCN, ResNet, InceptionTime) lead time-series classification"),
    dict(id="image-text-small", p=dict(data="multimodal", task="classify", samples=2000), top="transformer",
         variant=("transformer", "vision-language"), pretrained="CLIP", advice=["CLIP"],
         source="Radford et al. 2021 (CLIP): linear probes on pretrained image-text features"),
    dict(id="music-generation-tokens", p=dict(data="audio", task="generate"), top="transformer", top3=["rnn", "diffusion"],
         source="Huang et al. 2019 (Music Transformer); Copet et al. 2023 (MusicGen); Kong et al. 2021 (DiffWave)"),
    dict(id="recommendation-links-baseline", p=dict(data="graph", task="link", samples=200000), top="gnn", top3=["mlp"],
         advice=["matrix-factorisation"],
         source="Rendle et al. 2020 (matrix factorisation revisited); Ferrari Dacrema et al. 2019 (simple baselines)"),
    dict(id="table-outliers-classical", p=dict(data="tabular", task="anomaly", samples=50000), top="autoencoder",
         advice=["Isolation Forest"], source="Liu, Ting, Zhou 2008 (Isolation Forest); Han et al. 2022 (ADBench)"),
    dict(id="paired-translation-few-pairs", p=dict(data="image", task="translate", samples=300), top="gan", top3=["diffusion"],
         source="Isola et al. 2017 (pix2pix learns facades from 400 pairs)"),
]


@pytest.mark.parametrize("case", PRACTICE, ids=[c["id"] for c in PRACTICE])
def test_current_practice_through_cli_json(cli, case):
    result = cli("recommend", "--json", *_flags(case["p"]))
    assert result.code == 0, result.stderr
    document = result.json()
    ranked = {r["id"]: r for r in document["recommendations"]}
    order = [r["id"] for r in document["recommendations"]]
    seen = f"{case['id']}: {order[:3]} ({case['source']})"
    assert order[0] == case["top"], seen
    assert set(case.get("top3", [])) <= set(order[:3]), seen
    if "variant" in case:
        family, variant = case["variant"]
        assert ranked[family]["variant"] == variant, seen
    if "pretrained" in case:
        assert case["pretrained"] in ranked[case["top"]]["pretrained"], seen
        assert "pretrained-route" in [r["id"] for r in ranked[case["top"]]["rules"]]
    for family in case.get("quiet", []):
        assert not ranked[family]["reasons"], f"{case['id']}: a rule raised {family}: {ranked[family]['rules']}"
    advice = " ".join(document["advice"])
    for words in case.get("advice", []):
        assert words in advice, f"{case['id']}: no advice with {words!r}: {advice}"
