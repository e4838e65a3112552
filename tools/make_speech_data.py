#!/usr/bin/python3
"""Makes the keyword-spotting data set of Mote's speech example with espeak-ng and sox.

Every voice (an espeak-ng English dialect with a voice variant, e.g. en-gb-scotland+f2) speaks
the ten keywords and some other English words (the _unknown_ class) at several speeds and
pitches; sox resamples to 16 kHz mono 16-bit. The set is split BY VOICE: the held-out voices
(every dialect with the variants in HELDOUT_VARIANTS) never appear in training.

  make_speech_data.py OUT_DIR [--seed N] [--heldout-only] [--sample]

writes (each cached under OUT_DIR by seed, made again only when missing):
  OUT_DIR/words-<split>-s<seed>.npz   the spoken words: int16 audio (all concatenated),
                                      offsets, class labels, voice names (split: train, heldout)
  OUT_DIR/heldout-s<seed>.npy         a held-out stream, float32 [1, N] at 16 kHz: one slot of
                                      SLOT seconds per clip (a word or noise only), noise throughout
  OUT_DIR/heldout-s<seed>.txt         one line per slot: start_sample end_sample class_index
With --sample, also models/speech_sample.wav and models/speech_sample_words.txt (a held-out
voice saying three keywords with noise between). Deterministic from the seed.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np

RATE = 16000
LABELS = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
KEYWORDS = LABELS[2:]
UNKNOWN_WORDS = [
    "bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow", "zero", "one",
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "learn", "follow", "forward",
    "backward", "visual", "apple", "water", "music", "table", "window", "paper", "yellow", "button",
    "orange", "morning", "little", "number", "pencil", "garden", "coffee", "under", "open", "start",
    "dance", "hello", "north", "maybe", "later", "doctor", "sorry",
]
DIALECTS = ["en", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
TRAIN_VARIANTS = ["m1", "m2", "m3", "m5", "m6", "m7", "f1", "f2", "f4", "f5"]
HELDOUT_VARIANTS = ["m4", "f3"]
TRAIN_SPEEDS, TRAIN_PITCHES = [125, 160, 200], [30, 50, 75]
HELDOUT_SPEEDS, HELDOUT_PITCHES = [145, 180], [40, 62]
SLOT = 1.25  # seconds of held-out stream per clip


def voices(split):
    variants = TRAIN_VARIANTS if split == "train" else HELDOUT_VARIANTS
    return [f"{d}+{v}" for d in DIALECTS for v in variants]


def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError(f"{path}: not 16-bit mono")
        return np.frombuffer(w.readframes(w.getnframes()), np.int16).copy(), w.getframerate()


def write_wav(path, samples):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.asarray(samples, np.int16).tobytes())


def speak(text, voice, speed, pitch, tmp):
    """espeak-ng -> sox (16 kHz mono s16) -> int16 samples."""
    key = hashlib.sha1(f"{text}|{voice}|{speed}|{pitch}".encode()).hexdigest()[:16]
    raw, out = os.path.join(tmp, key + "-22k.wav"), os.path.join(tmp, key + ".wav")
    subprocess.run(["espeak-ng", "-m", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", raw, text],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["sox", "-G", raw, "-r", str(RATE), "-c", "1", "-b", "16", out], check=True)
    x, rate = read_wav(out)
    os.remove(raw)
    os.remove(out)
    assert rate == RATE
    return x


def split_words(x, count):
    """The spoken words of one utterance: runs of 10 ms frames louder than -40 dB of the loudest,
    separated by >= 0.3 s quieter than that (the SSML breaks between the words)."""
    n = len(x) // 160
    if n == 0:
        return None
    e = np.sqrt(np.mean(x[: n * 160].astype(np.float64).reshape(n, 160) ** 2, axis=1))
    loud = np.flatnonzero(e > e.max() * 0.01)
    if len(loud) == 0:
        return None
    gaps = np.flatnonzero(np.diff(loud) > 30)
    starts = np.r_[loud[0], loud[gaps + 1]]
    ends = np.r_[loud[gaps], loud[-1]] + 1
    if len(starts) != count:
        return None
    return [x[max(0, s - 1) * 160:(e + 1) * 160] for s, e in zip(starts, ends)]


def utterance(job, tmp):
    """One espeak-ng call for a list of words; falls back to one call per word if splitting fails."""
    words, voice, speed, pitch = job
    text = "<speak>" + '<break time="700ms"/>'.join(words) + "</speak>"
    parts = split_words(speak(text, voice, speed, pitch, tmp), len(words))
    if parts is None:
        parts = []
        for w in words:
            p = split_words(speak("<speak>" + w + "</speak>", voice, speed, pitch, tmp), 1)
            parts.append(p[0] if p else np.zeros(RATE // 4, np.int16))
    return parts


def make_words(split, seed, jobs):
    rng = np.random.RandomState(seed + (0 if split == "train" else 1000))
    speeds, pitches = (TRAIN_SPEEDS, TRAIN_PITCHES) if split == "train" else (HELDOUT_SPEEDS, HELDOUT_PITCHES)
    n_unknown = 8 if split == "train" else 4
    work = []
    for voice in voices(split):
        for speed in speeds:
            for pitch in pitches:
                words = list(KEYWORDS) + list(rng.choice(UNKNOWN_WORDS, n_unknown, replace=False))
                order = rng.permutation(len(words))
                work.append(([words[k] for k in order], voice, speed + int(rng.randint(-8, 9)), pitch + int(rng.randint(-5, 6))))
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max(1, jobs)) as pool:
        results = list(pool.map(lambda j: utterance(j, tmp), work))
    audio, offsets, labels, names = [], [0], [], []
    for (words, voice, _, _), parts in zip(work, results):
        for w, p in zip(words, parts):
            p = p[: int(0.95 * RATE)]  # a clip is one second: keep the word inside it
            audio.append(p)
            offsets.append(offsets[-1] + len(p))
            labels.append(LABELS.index(w) if w in KEYWORDS else 1)
            names.append(voice)
    return dict(audio=np.concatenate(audio), offsets=np.array(offsets, np.int64), labels=np.array(labels, np.int64),
                voices=np.array(names))


def noise(rng, n, kind=None):
    """Seeded background noise of unit RMS: white, pink, brown, hum or babble-like."""
    kind = kind if kind is not None else rng.choice(["white", "pink", "brown", "hum", "babble"])
    if kind == "hum":
        t = np.arange(n) / RATE
        f0 = rng.choice([50.0, 60.0])
        x = sum(rng.uniform(0.2, 1.0) * np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6.3)) for h in (1, 2, 3, 5))
        x = x + 0.3 * rng.standard_normal(n)
    else:
        w = rng.standard_normal(n)
        spec = np.fft.rfft(w)
        f = np.maximum(np.fft.rfftfreq(n, 1.0 / RATE), 20.0)
        if kind == "pink":
            spec /= np.sqrt(f)
        elif kind == "brown":
            spec /= f
        elif kind == "babble":  # speech-band noise with a syllable-rate envelope
            spec *= np.exp(-0.5 * ((np.log(f) - np.log(500.0)) / 0.8) ** 2)
        x = np.fft.irfft(spec, n)
        if kind == "babble":
            env = np.abs(np.fft.irfft(np.fft.rfft(rng.standard_normal(n)) * (np.fft.rfftfreq(n, 1.0 / RATE) < 4.0), n))
            x *= env / (env.mean() + 1e-9)
    return (x / (np.sqrt(np.mean(x ** 2)) + 1e-12)).astype(np.float32)


def word_float(words, k):
    o = words["offsets"]
    return words["audio"][o[k]:o[k + 1]].astype(np.float32) / 32768.0


def mix_stream(rng, words, items, slot=SLOT):
    """A stream of slots, one per item (a word index, or -1 for noise only), each word at a
    random offset in its slot; speech level, noise kind and SNR vary by slot. Returns the float32
    samples and, per slot, (start, end, label)."""
    n_slot = int(slot * RATE)
    total = n_slot * len(items)
    x = np.zeros(total, np.float32)
    segs = []
    for i, item in enumerate(items):
        s = i * n_slot
        level = 10 ** (rng.uniform(-24, -6) / 20)  # speech RMS
        snr = rng.choice([40.0, 20.0, 10.0, 5.0])
        if item >= 0:
            w = word_float(words, item)
            w = w * (level / (np.sqrt(np.mean(w ** 2)) + 1e-9))
            off = rng.randint(int(0.05 * RATE), max(int(0.05 * RATE) + 1, n_slot - len(w) - int(0.25 * RATE)))
            x[s + off:s + off + len(w)] += w
            label = int(words["labels"][item])
        else:
            label = 0
        x[s:s + n_slot] += noise(rng, n_slot) * level * 10 ** (-snr / 20)
        segs.append((s, s + n_slot, label))
    return np.clip(x, -1.0, 32767.0 / 32768.0), segs


def cached_words(out, split, seed, jobs):
    path = os.path.join(out, f"words-{split}-s{seed}.npz")
    if not os.path.exists(path):
        words = make_words(split, seed, jobs)
        np.savez(path + ".tmp.npz", **words)
        os.replace(path + ".tmp.npz", path)
    d = np.load(path)
    return {k: d[k] for k in d.files}


def heldout_stream(out, seed, words):
    path = os.path.join(out, f"heldout-s{seed}")
    if os.path.exists(path + ".txt"):
        return
    rng = np.random.RandomState(seed + 7)
    items = list(range(len(words["labels"]))) + [-1] * (len(words["labels"]) // 8)
    rng.shuffle(items)
    x, segs = mix_stream(rng, words, items)
    np.save(path + ".npy", x[None, :])
    with open(path + ".txt", "w") as f:
        for s, e, label in segs:
            f.write(f"{s} {e} {label}\n")


def sample(root, seed, words):
    """A held-out voice saying three keywords, noise between: models/speech_sample.wav."""
    rng = np.random.RandomState(seed + 11)
    chosen = ["yes", "left", "stop"]
    voice = words["voices"][0]
    items = []
    for w in chosen:
        idx = [k for k in range(len(words["labels"])) if words["voices"][k] == voice and LABELS[words["labels"][k]] == w]
        items.append(idx[0])
    x, _ = mix_stream(rng, words, items, slot=1.15)
    x = np.concatenate([x, 0.002 * noise(rng, RATE // 2, "pink")])
    write_wav(os.path.join(root, "models", "speech_sample.wav"), np.round(x * 32768).clip(-32768, 32767))
    with open(os.path.join(root, "models", "speech_sample_words.txt"), "w") as f:
        f.write("\n".join(chosen) + "\n")
    print(f"speech_sample.wav: {voice}, {len(x) / RATE:.2f} s: {' '.join(chosen)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--heldout-only", action="store_true", help="only the held-out voices and stream")
    ap.add_argument("--sample", action="store_true", help="also write models/speech_sample.wav")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    held = cached_words(a.out, "heldout", a.seed, a.jobs)
    heldout_stream(a.out, a.seed, held)
    print(f"held-out: {len(held['labels'])} words from {len(set(held['voices']))} voices")
    if not a.heldout_only:
        train = cached_words(a.out, "train", a.seed, a.jobs)
        print(f"train: {len(train['labels'])} words from {len(set(train['voices']))} voices")
        assert not set(train["voices"]) & set(held["voices"])
    if a.sample:
        sample(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), a.seed, held)


if __name__ == "__main__":
    sys.exit(main())
