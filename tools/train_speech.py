#!/usr/bin/python3
"""Trains Mote's keyword-spotting example and exports models/speech.onnx.

A streaming model from raw 16 kHz audio, one 20 ms chunk (320 samples) per run:
  front-end  a 400-sample (25 ms) Hann frame: the previous 80 samples (carried) and the chunk;
             a windowed DFT at 64 bins (62.5 .. 4000 Hz) as one MatMul whose basis the graph
             makes from a small constant (Mote folds it at conversion); power; 24 mel bands
             (MatMul); log; per-band normalisation
  network    the last three frames' log-mels (two carried) -> Linear 48 + ReLU -> GRU 60
             (carried) -> Linear 12
  decision   softmax; exponential smoothing over chunks (carried); fire when the best keyword's
             smoothed posterior passes THRESHOLD while armed, then disarmed (carried) until it
             falls below RELEASE: once per word. Outputs `scores` [1, 12] (smoothed posteriors)
             and `event` [1] (the keyword's class index when a detection fires, else -1).
Every state is a graph input NAME_in with the output NAME_out (models/speech_carry.txt), all
starting at zeros.

  train_speech.py [--data DIR] [--seed N] [--epochs N] [--out models/speech.onnx]
  train_speech.py --export-whole OUT.onnx --samples N   (the same weights, from models/speech.onnx,
      as one graph over N samples at once: the whole-clip reference of the streaming test)

Trains on the CPU (2 threads) on tools/make_speech_data.py's voices (generated into DIR if
missing); prints the held-out accuracy per class on voices never seen in training. Seeded.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_speech_data as data  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE, CHUNK, FRAME = 16000, 320, 400
HIST = FRAME - CHUNK
BINS, MELS, STACK, HIDDEN, EMBED = 64, 24, 3, 60, 48
CLASSES = len(data.LABELS)
STATES = ["audio_hist", "feat_hist", "gru_h", "smooth", "hold"]


def mel_matrix():
    """[2 * BINS, MELS]: triangular mel filters over the bins (62.5 Hz apart), for re^2 and im^2."""
    freqs = np.arange(1, BINS + 1) * RATE / 256.0

    def mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(80.0), mel(4000.0), MELS + 2))
    w = np.zeros((BINS, MELS), np.float64)
    for b in range(MELS):
        lo, mid, hi = edges[b:b + 3]
        up = (freqs - lo) / (mid - lo)
        down = (hi - freqs) / (hi - mid)
        w[:, b] = np.maximum(0.0, np.minimum(up, down))
        if w[:, b].sum() == 0:  # narrower than a bin: the nearest bin
            w[np.argmin(np.abs(freqs - mid)), b] = 1.0
        w[:, b] /= w[:, b].sum()
    return np.vstack([w, w]).astype(np.float32)


class FrontEnd(nn.Module):
    """Raw audio -> normalised log-mel, one 400-sample frame per 320-sample chunk. Fixed, not
    trained; its nodes are named frontend/... in the graph (they stay float in int8)."""

    def __init__(self):
        super().__init__()
        # The DFT basis is made in the graph from these (400 + 64 numbers, not 51,200).
        self.register_buffer("n", torch.arange(FRAME, dtype=torch.float32).reshape(FRAME, 1))
        self.register_buffer("omega", (2 * math.pi * torch.arange(1, BINS + 1, dtype=torch.float32) / 256.0).reshape(1, BINS))
        self.register_buffer("mel", torch.from_numpy(mel_matrix()))
        self.register_buffer("mean", torch.zeros(1, MELS))
        self.register_buffer("inv_std", torch.ones(1, MELS))

    def basis(self):
        phase = self.n * self.omega  # [400, 64]
        window = 0.5 - 0.5 * torch.cos(self.n * (2 * math.pi / FRAME))  # periodic Hann, [400, 1]
        return torch.cat([window * torch.cos(phase), window * torch.sin(phase)], dim=1)

    def features(self, frames):
        """Normalised log-mel of frames [..., 400] -> [..., 24]."""
        y = torch.matmul(frames, self.basis())
        power = torch.matmul(y * y, self.mel)
        return (torch.log(power + 1e-6) - self.mean) * self.inv_std

    def forward(self, audio, audio_hist_in):
        """One chunk [1, 320] after the last 80 samples: its features and the next 80."""
        frame = torch.cat([audio_hist_in, audio], dim=1)
        return self.features(frame), frame[:, CHUNK:]

    @staticmethod
    def sequence_frames(audio):
        """audio [B, N] (N a multiple of 320) -> the frames a stream sees, [B, N / 320, 400]."""
        return F.pad(audio, (HIST, 0)).unfold(1, FRAME, CHUNK)


class Decision(nn.Module):
    """Posteriors -> smoothed scores and the detection event; nodes named decision/... ."""

    def __init__(self):
        super().__init__()
        self.alpha, self.threshold, self.release = 0.7, 0.6, 0.3

    def forward(self, p, smooth_in, hold_in):
        smooth = self.alpha * smooth_in + (1.0 - self.alpha) * p
        keywords = smooth[:, 2:]
        best = torch.max(keywords, dim=1, keepdim=True).values  # ReduceMax
        index = torch.argmax(keywords, dim=1).to(torch.float32) + 2.0  # [1]
        above = (best > self.threshold).to(torch.float32)
        still = (best > self.release).to(torch.float32)
        fire = above * (1.0 - hold_in)  # [1, 1]; hold 1 = disarmed
        hold_out = torch.maximum(fire, hold_in * still)
        event = fire.reshape(1) * (index + 1.0) - 1.0
        return smooth, event, smooth, hold_out


class Speech(nn.Module):
    def __init__(self):
        super().__init__()
        self.frontend = FrontEnd()
        self.embed = nn.Linear(MELS * STACK, EMBED)
        self.gru = nn.GRU(EMBED, HIDDEN)
        self.head = nn.Linear(HIDDEN, CLASSES)
        self.decision = Decision()

    def logits_sequence(self, feats, h=None):
        """Normalised features [B, T, 24] -> logits [B, T, 12] and the GRU state after them
        (from `h`, else from zeros, as are the stacked frames before the first)."""
        b, t, _ = feats.shape
        padded = F.pad(feats, (0, 0, STACK - 1, 0))
        stacked = torch.cat([padded[:, k:k + t] for k in range(STACK)], dim=2)
        x = F.relu(self.embed(stacked))
        out, h = self.gru(x.transpose(0, 1), h)
        return self.head(out.transpose(0, 1)), h

    def step(self, audio, audio_hist_in, feat_hist_in, gru_h_in, smooth_in, hold_in):
        """One chunk: the exported graph."""
        f, audio_hist_out = self.frontend(audio, audio_hist_in)
        stacked = torch.cat([feat_hist_in, f], dim=1)
        feat_hist_out = stacked[:, MELS:]
        x = F.relu(self.embed(stacked))
        out, gru_h_out = self.gru(x.unsqueeze(0), gru_h_in)
        p = torch.softmax(self.head(out[0]), dim=1)
        scores, event, smooth_out, hold_out = self.decision(p, smooth_in, hold_in)
        return scores, event, audio_hist_out, feat_hist_out, gru_h_out, smooth_out, hold_out


def decide_numpy(probs, alpha, threshold, release):
    """The same head over a sequence of posteriors [T, 12]: smoothed [T, 12], events [T]."""
    s = np.zeros(CLASSES, np.float32)
    hold = 0.0
    smooth = np.zeros_like(probs)
    events = np.full(len(probs), -1, np.int64)
    for t, p in enumerate(probs):
        s = np.float32(alpha) * s + np.float32(1 - alpha) * p
        smooth[t] = s
        best = s[2:].max()
        fire = best > threshold and hold == 0.0
        if fire:
            events[t] = int(np.argmax(s[2:])) + 2
        hold = 1.0 if fire else (hold if best > release else 0.0)
    return smooth, events


def clip_results(events, segments):
    """Per slot (start, end, label): the classes the stream decided in it (keyword events)."""
    got = []
    for s, e, _ in segments:
        ev = events[s // CHUNK:e // CHUNK]
        got.append(sorted(set(int(v) for v in ev if v >= 0)))
    return got


def clip_correct(label, fired):
    """A keyword slot is right when its keyword, and only it, fired; any other slot when none did."""
    return fired == [label] if label >= 2 else fired == []


def report(segments, fired, title):
    labels = np.array([s[2] for s in segments])
    ok = np.array([clip_correct(l, f) for l, f in zip(labels, fired)])
    print(f"{title}: {ok.mean() * 100:.2f}% of {len(ok)} clips")
    for c, name in enumerate(data.LABELS):
        m = labels == c
        if m.any():
            print(f"  {name:10s} {ok[m].mean() * 100:6.2f}% ({ok[m].sum()}/{m.sum()})")
    return ok.mean()


def training_stream(rng, words, indices, seconds):
    """One training sequence: words at random gaps with noise; per-chunk targets (-100: ignored)."""
    n = int(seconds * RATE) // CHUNK * CHUNK
    x = np.zeros(n, np.float32)
    target = np.zeros(n // CHUNK, np.int64)
    pos = int(rng.uniform(0.0, 0.6) * RATE)
    level = 10 ** (rng.uniform(-26, -4) / 20)
    k = 0
    while k < len(indices):
        w = data.word_float(words, indices[k])
        if pos + len(w) + RATE // 4 > n:
            break
        w = w * (level * 10 ** (rng.uniform(-4, 4) / 20) / (np.sqrt(np.mean(w ** 2)) + 1e-9))
        x[pos:pos + len(w)] += w
        label = int(words["labels"][indices[k]])
        # Chunks ending inside the word are ignored until its last 0.1 s; from there to 0.35 s
        # after it: its class (the decision comes once the word has been heard).
        a = max(pos // CHUNK, (pos + len(w) - RATE // 10) // CHUNK)
        c = min(len(target), (pos + len(w) + int(0.35 * RATE)) // CHUNK)
        target[pos // CHUNK:a] = -100
        target[a:c] = label
        pos += len(w) + int(rng.uniform(0.3, 1.2) * RATE)
        k += 1
    snr = rng.choice([40.0, 20.0, 10.0, 5.0, 0.0])
    x += data.noise(rng, n) * level * 10 ** (-snr / 20)
    return np.clip(x, -1.0, 1.0), target, k


def make_epoch(rng, words, train_idx, seconds):
    order = list(rng.permutation(train_idx))
    xs, ts = [], []
    while order:
        per = int(rng.randint(2, 7))
        x, t, used = training_stream(rng, words, order[:per], seconds)
        order = order[max(used, 1):]
        xs.append(x)
        ts.append(t)
    return np.stack(xs), np.stack(ts)


def features_of(model, audio, batch=64):
    with torch.no_grad():
        out = []
        for k in range(0, len(audio), batch):
            out.append(model.frontend.features(model.frontend.sequence_frames(torch.from_numpy(audio[k:k + batch]))))
        return torch.cat(out)


def stream_probs(model, stream):
    """Posteriors [T, 12] of the model over a whole stream [N] (N multiple of 320), from zeros."""
    with torch.no_grad():
        stream = stream[: len(stream) // CHUNK * CHUNK]
        f = model.frontend.features(model.frontend.sequence_frames(torch.from_numpy(stream[None, :])))
        return torch.softmax(model.logits_sequence(f)[0], dim=2)[0].numpy()


def stream_decisions(model, stream):
    """Smoothed scores [T, 12] and events [T] of the streaming model over a whole stream."""
    d = model.decision
    return decide_numpy(stream_probs(model, stream), d.alpha, d.threshold, d.release)


def export(model, path):
    model.eval()
    shapes = {"audio_hist": (1, HIST), "feat_hist": (1, MELS * (STACK - 1)), "gru_h": (1, 1, HIDDEN),
              "smooth": (1, CLASSES), "hold": (1, 1)}
    args = (torch.zeros(1, CHUNK),) + tuple(torch.zeros(*shapes[s]) for s in STATES)

    class Step(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *a):
            return self.m.step(*a)

    # No constant folding: the DFT basis stays a Cos/Sin of small constants (Mote folds it), and
    # the initialisers keep the module's names (load_onnx reads them back).
    torch.onnx.export(Step(model), args, path, opset_version=17, do_constant_folding=False,
                      input_names=["audio"] + [s + "_in" for s in STATES],
                      output_names=["scores", "event"] + [s + "_out" for s in STATES])
    import onnx
    m = onnx.load(path)
    m.producer_name = "mote tools/train_speech.py"
    d = model.decision
    for key, value in (("alpha", d.alpha), ("threshold", d.threshold), ("release", d.release)):
        m.metadata_props.add(key="decision." + key, value=repr(float(value)))
    onnx.checker.check_model(m)
    onnx.save(m, path)
    with open(os.path.join(os.path.dirname(path), "speech_carry.txt"), "w") as f:
        for s in STATES:
            f.write(f"{s}_out={s}_in\n")
    with open(os.path.join(os.path.dirname(path), "speech_labels.txt"), "w") as f:
        f.write("\n".join(data.LABELS) + "\n")


def write_calib(words, train_idx, path, seed):
    """int8 calibration input: 3 s of training voices as [150, 320], consecutive chunks (mote
    convert --calib with --carry streams them in order): three words, loud to quiet (speech RMS
    -4, -12 and -20 dBFS), each in its own second of noise (SNR 20, 10 and 5 dB), so the ranges
    cover the levels a stream meets."""
    rng = np.random.RandomState(seed + 9)
    parts = []
    for level_db, snr in ((-4.0, 20.0), (-12.0, 10.0), (-20.0, 5.0)):
        level = 10 ** (level_db / 20)
        x = np.zeros(RATE, np.float32)
        w = data.word_float(words, int(rng.choice(train_idx)))[: RATE - RATE // 5]
        w = w * (level / (np.sqrt(np.mean(w ** 2)) + 1e-9))
        x[RATE // 10:RATE // 10 + len(w)] += w
        x += data.noise(rng, RATE) * level * 10 ** (-snr / 20)
        parts.append(np.clip(x, -1.0, 1.0))
    np.save(path, np.concatenate(parts).reshape(-1, CHUNK).astype(np.float32))


def load_onnx(path):
    """The Speech module with the weights and decision constants of an exported speech.onnx."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    model = Speech()
    state = {i.name[2:]: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer if i.name.startswith("m.")}
    model.load_state_dict(state)
    props = {p.key: p.value for p in m.metadata_props}
    for key in ("alpha", "threshold", "release"):
        setattr(model.decision, key, float(props["decision." + key]))
    return model.eval()


def read_segments(path):
    return [tuple(int(v) for v in line.split()) for line in open(path)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "build", "speech-data"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "speech.onnx"))
    ap.add_argument("--lr", type=float, default=4e-3, help="peak learning rate (cosine decay by epoch)")
    ap.add_argument("--init", help="start from these weights (a speech-s<seed>.pt this script saved)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    rng = np.random.RandomState(a.seed)
    os.makedirs(a.data, exist_ok=True)
    words = data.cached_words(a.data, "train", a.seed, 2)
    held = data.cached_words(a.data, "heldout", a.seed, 2)
    data.heldout_stream(a.data, a.seed, held)
    stream = np.load(os.path.join(a.data, f"heldout-s{a.seed}.npy"))[0]
    segments = read_segments(os.path.join(a.data, f"heldout-s{a.seed}.txt"))
    # Validation (model selection, the decision constants): two of the training variants' voices.
    val_voices = {v for v in set(words["voices"]) if v.endswith("+m7") or v.endswith("+f5")}
    is_val = np.array([v in val_voices for v in words["voices"]])
    train_idx = np.flatnonzero(~is_val)
    vrng = np.random.RandomState(a.seed + 3)
    val_idx = vrng.choice(np.flatnonzero(is_val), 560, replace=False)
    items = list(val_idx) + [-1] * (len(val_idx) // 8)
    vrng.shuffle(items)
    val_stream, val_segments = data.mix_stream(vrng, words, items)
    print(f"train {len(train_idx)} words, validation {len(items)} clips, held-out {len(segments)} clips", flush=True)

    model = Speech()
    # Per-band normalisation from one pass over training audio.
    x0, _ = make_epoch(np.random.RandomState(a.seed + 5), words, train_idx[:1500], 6.0)
    f0 = features_of(model, x0).reshape(-1, MELS)
    model.frontend.mean.copy_(f0.mean(0, keepdim=True))
    model.frontend.inv_std.copy_(1.0 / (f0.std(0, keepdim=True) + 1e-3))

    if a.init:
        model.load_state_dict(torch.load(a.init))
    trained = [p for n, p in model.named_parameters() if not n.startswith("frontend.")]
    opt = torch.optim.Adam(trained, lr=3e-3)
    best_state, best_acc = None, -1.0
    per_epoch = len(train_idx)  # every training word once per epoch, freshly mixed
    weights = torch.ones(CLASSES)
    weights[0] = 0.3  # silence fills most chunks
    for epoch in range(a.epochs):
        t0 = time.time()
        for g in opt.param_groups:  # cosine decay by epoch
            g["lr"] = a.lr * 0.5 * (1.0 + math.cos(math.pi * epoch / a.epochs))
        x, t = make_epoch(rng, words, rng.choice(train_idx, per_epoch, replace=False), 6.0)
        feats = features_of(model, x)
        targets = torch.from_numpy(t)
        # 32 long streams, each a run of these 6 s sequences, trained 6 s at a time with the GRU
        # state carried on (detached): the model learns to run on with its state never reset.
        rows = len(feats) // 32
        order = torch.from_numpy(rng.permutation(rows * 32)).reshape(32, rows)
        model.train()
        total = 0.0
        h = None
        for k in range(rows):
            idx = order[:, k]
            logits, h = model.logits_sequence(feats[idx], h)
            h = h.detach()
            loss = F.cross_entropy(logits.reshape(-1, CLASSES), targets[idx].reshape(-1), weight=weights, ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(trained, 1.0)
            opt.step()
            total += float(loss)
        total /= max(rows, 1)
        model.eval()
        _, ev = stream_decisions(model, val_stream)
        fired = clip_results(ev, val_segments)
        acc = np.mean([clip_correct(s[2], f) for s, f in zip(val_segments, fired)])
        print(f"epoch {epoch + 1}: loss {total:.4f}, validation clips {acc * 100:.2f}% ({time.time() - t0:.0f} s)",
              flush=True)
        if acc >= best_acc:
            best_acc, best_state = acc, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    torch.save(best_state, os.path.join(a.data, f"speech-s{a.seed}.pt"))

    # The decision head's constants, chosen on the validation voices.
    probs = stream_probs(model, val_stream)
    best = None
    for alpha in (0.5, 0.6, 0.7, 0.8):
        for threshold in (0.4, 0.5, 0.6, 0.7, 0.8):
            for release in (0.15, 0.25, 0.35):
                _, ev = decide_numpy(probs, alpha, threshold, release)
                fired = clip_results(ev, val_segments)
                acc = np.mean([clip_correct(s[2], f) for s, f in zip(val_segments, fired)])
                if best is None or acc > best[0] + 1e-9:
                    best = (acc, alpha, threshold, release)
    d = model.decision
    _, d.alpha, d.threshold, d.release = best
    print(f"decision: smoothing {d.alpha}, threshold {d.threshold}, release {d.release} (validation {best[0] * 100:.2f}%)")

    _, ev = stream_decisions(model, stream)
    report(segments, clip_results(ev, segments), "held-out voices (PyTorch)")
    params = sum(p.numel() for p in trained)
    print(f"parameters: {params} ({params * 4} bytes float32)")
    export(model, a.out)
    write_calib(words, train_idx, os.path.join(os.path.dirname(a.out), "speech_calib.npy"), a.seed)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    sys.exit(main())
