#!/usr/bin/python3
"""Trains Mote's text example, an intent classifier for short commands, and exports
models/intent.onnx.

  data       smart-home and timer commands made from templates with slot values (rooms,
             durations, numbers, devices, cities, ...), several phrasings per intent, 14
             classes with an out-of-domain "other"; a HELD-OUT template set (and a few slot
             values) never seen in training
  vocabulary a WordPiece vocabulary built from the training text: the BERT specials [PAD]=0
             [UNK] [CLS] [SEP] [MASK], every character and ##character, the training words
             seen at least twice and the commonest word endings as ## pieces
  tokenizer  BERT's: basic tokenization (lower-casing, accent stripping, punctuation and CJK
             splitting) then greedy longest-match WordPiece, [CLS] ... [SEP], truncated and
             padded with [PAD] to SEQ tokens; written here, it must give exactly the ids of
             Mote's runtime tokenizer (the `text` test checks every sentence)
  network    input_ids [1, SEQ] int64 -> token + learned position embeddings, LayerNorm ->
             2 post-LN encoder layers (HIDDEN wide, HEADS heads, attention as MatMul/Softmax
             with the [PAD] keys masked by a per-id bias looked up from the ids, GELU FFN) -> the [CLS] vector -> Linear -> logits
             [1, 14]. The padding mask comes from the ids in the graph, so the model takes
             the ids alone, and every op quantizes to int8 (--strict).

  train_text.py [--seed N] [--epochs N] [--out models/intent.onnx]
      trains, prints the held-out accuracy per class and writes, beside OUT:
        intent_vocab.txt          the vocabulary, one piece per line (id = line number)
        intent_labels.txt         the class names in class order
        intent_calib.npy          int64 [128, SEQ] training ids (int8 calibration)
        intent_heldout.txt        the held-out commands, "label<TAB>text" per line
        intent_heldout_ids.npy    int32 [N, SEQ] their ids from this tokenizer
        intent_commands.txt       a few held-out commands for the firmware and quickstart
  train_text.py --dump DIR
      writes DIR/sentences.txt (every training and held-out sentence) and DIR/ids.npy (their
      ids) with models/intent_vocab.txt, without training: the tokenizer check's data set

Trains on one CPU thread (faster than two on a busy two-core machine) in three to six minutes.
Seeded: the same seed gives the same data, vocabulary and weights, byte for byte.
"""
import argparse
import collections
import os
import random
import sys
import time
import unicodedata

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEQ, HIDDEN, HEADS, FFN, LAYERS = 24, 64, 4, 128, 2
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD, UNK, CLS, SEP = 0, 1, 2, 3

LABELS = ["lights_on", "lights_off", "brightness", "thermostat", "set_timer", "cancel_timer",
          "set_alarm", "play_music", "pause_music", "stop_music", "volume", "weather",
          "time_query", "other"]

# Slot values: (training values, held-out-only values).
SLOTS = {
    "room": (["kitchen", "living room", "bedroom", "bathroom", "hallway", "office", "garage",
              "dining room", "kids room", "basement", "porch", "garden", "study", "attic",
              "guest room", "nursery", "lounge", "den"],
             ["laundry room", "pantry", "veranda"]),
    "light": (["lights", "light", "lamp", "lamps", "ceiling light", "desk lamp", "floor lamp",
               "bulbs", "spotlights"],
              ["chandelier", "night light"]),
    "num": ([str(n) for n in range(1, 100)], []),
    "percent": ([str(n) for n in range(5, 101, 5)] + ["10", "30", "75"], ["15", "85"]),
    "temp": ([str(n) for n in range(15, 31)] + ["68", "70", "72", "74"], ["19.5", "21.5"]),
    "unit": (["minutes", "minute", "seconds", "hours", "hour", "mins", "secs"], ["hrs"]),
    "clock": (["7 am", "6:30", "noon", "midnight", "8 pm", "6 in the morning", "7:15",
               "9 o'clock", "half past six", "quarter to eight", "5:45 am", "10 pm", "11:30"],
              ["6:05 am", "quarter past nine"]),
    "day": (["tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
             "sunday", "tonight", "this weekend", "today", "next week"], ["this afternoon"]),
    "city": (["london", "paris", "berlin", "tokyo", "new york", "madrid", "rome", "boston",
              "chicago", "sydney", "dublin", "oslo", "vienna", "seattle", "toronto"],
             ["lisbon", "helsinki", "nairobi"]),
    "music": (["jazz", "rock", "classical music", "some music", "the beatles", "my playlist",
               "pop", "the radio", "relaxing music", "queen", "hip hop", "country music",
               "my favourite songs", "a podcast", "the news", "blues", "lo-fi beats"],
              ["reggae", "mozart", "the rolling stones"]),
    "name": (["mom", "dad", "anna", "john", "the office", "my sister", "peter", "sarah", "grandma",
              "the doctor", "alex", "maria"], ["tom", "the dentist"]),
    "thing": (["milk", "eggs", "bread", "coffee", "apples", "batteries", "butter", "rice",
               "cheese", "soap"], ["tea", "onions"]),
    "country": (["france", "japan", "italy", "canada", "brazil", "egypt", "spain", "peru",
                 "india", "norway"], ["kenya", "chile"]),
    "topic": (["a joke", "a story", "a fun fact", "a riddle", "something interesting",
               "the meaning of life"], ["a poem"]),
    "word": (["hello", "thank you", "goodbye", "cat", "water", "friend", "house"], ["apple"]),
}

# Phrasings per intent: (training templates, held-out templates). {slot} is filled from SLOTS.
TEMPLATES = {
    "lights_on": (
        ["turn on the {light}", "turn on the {room} {light}", "switch on the {light} in the {room}",
         "turn the {room} {light} on", "lights on", "{light} on in the {room}",
         "switch the {light} on", "put the {light} on in the {room}", "light up the {room}",
         "i need some light in the {room}", "power on the {room} {light}", "turn on the {light} please",
         "it is too dark in the {room}", "on with the {light}",
         "i want the {room} {light} on", "get the {light} on", "{room} {light} on please"],
        ["could you switch on the {room} {light} for me",
         "i would like the {light} on",
         "the {light} in the {room} on please",
         "turn on all the {light} in the {room}"]),
    "lights_off": (
        ["turn off the {light}", "turn off the {room} {light}", "switch off the {light} in the {room}",
         "turn the {room} {light} off", "lights off", "{light} off in the {room}",
         "switch the {light} off", "kill the {light} in the {room}", "shut off the {room} {light}",
         "no more light in the {room}", "power off the {room} {light}", "turn off the {light} please",
         "it is too bright in the {room}", "darken the {room}",
         "i want the {room} {light} off", "get the {light} off", "{room} {light} off please"],
        ["could you switch off the {room} {light} for me",
         "i would like the {light} off",
         "the {light} in the {room} off please",
         "turn off all the {light} in the {room}"]),
    "brightness": (
        ["dim the {light}", "dim the {room} {light} to {percent} percent", "set the {light} to {percent}%",
         "brighten the {room} {light}", "set brightness to {percent}", "make the {light} brighter",
         "make the {room} {light} dimmer", "brightness {percent} percent in the {room}",
         "lower the brightness of the {light}", "raise the brightness in the {room}",
         "set the {room} {light} to {percent} percent brightness", "turn the {light} down a bit"],
        ["dim the {light} in the {room} a little",
         "could you set the {room} {light} brightness to {percent}",
         "make the {light} in the {room} a bit brighter"]),
    "thermostat": (
        ["set the thermostat to {temp}", "set the temperature to {temp} degrees",
         "make it warmer", "make it cooler in the {room}", "turn up the heat",
         "turn down the heating in the {room}", "heat the {room} to {temp} degrees",
         "i am cold", "it is too hot in here", "change the thermostat to {temp}",
         "set the {room} temperature to {temp}", "lower the temperature by {num} degrees",
         "raise the temperature", "turn on the air conditioning",
         "warmer in the {room} please", "i want it cooler"],
        ["could you set the {room} thermostat to {temp} degrees",
         "i would like it warmer in the {room}",
         "turn the heat up to {temp}"]),
    "set_timer": (
        ["set a timer for {num} {unit}", "timer for {num} {unit}", "start a {num} {unit} timer",
         "set a {num} {unit} timer", "count down {num} {unit}", "remind me in {num} {unit}",
         "start a timer for {num} {unit}", "set timer {num} {unit}", "time {num} {unit} for the pasta",
         "set a timer for half an hour", "put a timer on for {num} {unit}",
         "start the countdown for {num} {unit}"],
        ["could you set a {num} {unit} timer for me",
         "i need a timer for {num} {unit}",
         "please start a timer of {num} {unit}"]),
    "cancel_timer": (
        ["cancel the timer", "stop the timer", "cancel my timer", "delete the timer",
         "turn off the timer", "cancel the {num} {unit} timer", "remove the timer",
         "never mind the timer", "stop the countdown", "cancel all timers", "clear the timer",
         "cancel the kitchen timer"],
        ["could you cancel the timer for me",
         "i want to cancel my {num} {unit} timer",
         "please stop my timer now"]),
    "set_alarm": (
        ["set an alarm for {clock}", "wake me up at {clock}", "alarm at {clock}",
         "set my alarm for {clock} {day}", "wake me at {clock} {day}", "set an alarm {day} at {clock}",
         "i need to get up at {clock}", "create an alarm for {clock}", "alarm for {clock} please",
         "set the alarm clock to {clock}", "wake me up {day} at {clock}"],
        ["could you wake me up at {clock} {day}",
         "i need an alarm at {clock}",
         "please set my alarm for {clock}"]),
    "play_music": (
        ["play {music}", "play {music} in the {room}", "put on {music}", "start playing {music}",
         "i want to listen to {music}", "play some {music}", "resume the music", "play music",
         "can you play {music}", "let's hear {music}", "turn on {music}", "play the next song",
         "shuffle {music}", "continue playing"],
        ["could you play {music} in the {room} for me",
         "i would like to listen to {music}",
         "put {music} on in the {room}"]),
    "pause_music": (
        ["pause", "pause the music", "pause the song", "pause playback", "pause it",
         "pause the {music}", "hold the music", "pause the music in the {room}",
         "pause for a moment", "can you pause", "pause the podcast", "hit pause"],
        ["could you pause the music for a moment",
         "pause the song in the {room} please",
         "i want to pause the music"]),
    "stop_music": (
        ["stop the music", "stop playing", "stop the song", "stop {music}", "stop the music in the {room}",
         "end the music", "stop playback", "no more music", "stop it", "turn the music off",
         "quit playing {music}", "stop the podcast"],
        ["could you stop the music in the {room}",
         "i want the music to stop",
         "stop playing {music} please"]),
    "volume": (
        ["turn it up", "turn it down", "volume up", "volume down", "set the volume to {percent}",
         "louder", "quieter", "make it louder", "make it quieter", "turn the volume up in the {room}",
         "lower the volume", "raise the volume", "volume {percent} percent", "mute", "unmute",
         "turn the music down a bit", "make the music louder", "the music is too quiet",
         "music quieter in the {room}"],
        ["could you turn the volume down a bit",
         "make the music in the {room} louder",
         "set the {room} volume to {percent} percent"]),
    "weather": (
        ["what is the weather", "what is the weather in {city}", "weather {day}",
         "will it rain {day}", "is it going to rain in {city}", "how hot is it in {city}",
         "what is the forecast for {day}", "weather forecast for {city}", "do i need an umbrella {day}",
         "is it sunny in {city}", "how cold will it be {day}", "will it snow in {city} {day}",
         "what's the weather like"],
        ["could you tell me the weather in {city} {day}",
         "is it going to be sunny {day}",
         "what will the weather be like in {city}"]),
    "time_query": (
        ["what time is it", "what is the time", "tell me the time", "what time is it in {city}",
         "current time", "what's the time", "do you know the time", "time please",
         "what is the time in {city}", "what day is it", "what is the date today", "how late is it"],
        ["could you tell me what time it is",
         "what is the time right now",
         "tell me the current time in {city}"]),
    "other": (
        ["tell me {topic}", "what is the capital of {country}", "call {name}", "send a message to {name}",
         "add {thing} to my shopping list", "how tall is the eiffel tower", "who are you",
         "translate {word} into french", "what is {num} plus {num}", "book a table for {num}",
         "order a pizza", "how do you spell {word}", "open the garage door", "lock the front door",
         "what is the population of {country}", "read my emails", "hello", "thank you",
         "how are you", "text {name} that i am late", "find a recipe for pancakes",
         "where is my phone", "buy {thing}", "who won the game", "what is your name",
         "good morning", "flip a coin", "roll a dice", "how far is the moon"],
        ["could you tell me {topic}",
         "please call {name} for me",
         "i would like to order a pizza",
         "what is the capital city of {country}",
         "add {thing} to the shopping list please"]),
}
PREFIXES = ["", "", "", "", "please ", "hey mote, ", "can you ", "could you please ", "mote ", "ok mote "]
SUFFIXES = ["", "", "", "", " please", " now", " thanks", "!", "?", "."]


# ---------------------------------------------------------------------------------------------
# Data


NOVEL_SLOTS = {"room", "light", "city", "music", "name", "thing", "country", "word", "day", "topic"}


def pseudo_word(rng):
    """A made-up word of 3-9 letters: most are not in the vocabulary and split into ## pieces."""
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))


def fill(template, rng, heldout, novel=0.0):
    """The template with every {slot} replaced: training values, or for held-out data the
    held-out values (when there are any) half of the time; with probability `novel` a
    name-like slot gets one or two made-up words instead (training augmentation: a slot may
    hold words never seen)."""
    out, i = [], 0
    while i < len(template):
        j = template.find("{", i)
        if j < 0:
            out.append(template[i:])
            break
        k = template.index("}", j)
        out.append(template[i:j])
        slot = template[j + 1:k]
        train_values, held_values = SLOTS[slot]
        pool = held_values if heldout and held_values and rng.random() < 0.5 else train_values
        if slot in NOVEL_SLOTS and rng.random() < novel:
            out.append(" ".join(pseudo_word(rng) for _ in range(rng.randint(1, 2))))
        else:
            out.append(rng.choice(pool))
        i = k + 1
    return "".join(out)


def decorate(text, rng):
    """A polite or wake-word prefix (not before a phrasing that is already a request) and an
    ending, sometimes."""
    polite = text.startswith(("could ", "can ", "please ", "i "))
    prefix = rng.choice(PREFIXES)
    if polite and prefix not in ("hey mote, ", "mote ", "ok mote "):
        prefix = ""
    suffix = rng.choice(SUFFIXES)
    if suffix == " please" and text.endswith("please"):
        suffix = ""
    return prefix + text + suffix


def make_data(seed, per_template=20, heldout_per_template=12, novel_per_template=8):
    """([(text, label)] training, [(text, label)] held-out, [(text, label)] augmented): each
    training template filled per_template times and each held-out one heldout_per_template
    times, duplicates dropped, no held-out sentence in training; then each training template
    novel_per_template times with made-up slot words (trained on, not in the vocabulary's
    text)."""
    rng = random.Random(seed)
    train, held, novel = [], [], []
    for label, name in enumerate(LABELS):
        train_t, held_t = TEMPLATES[name]
        seen = set()
        for t in train_t:
            for _ in range(per_template):
                s = decorate(fill(t, rng, False), rng)
                if s not in seen:
                    seen.add(s)
                    train.append((s, label))
        hseen = set()
        for t in held_t:
            for _ in range(heldout_per_template * 3):
                if sum(1 for _, tt in hseen if tt == t) >= heldout_per_template:
                    break
                s = decorate(fill(t, rng, True), rng)
                if s not in seen and (s, t) not in hseen:
                    hseen.add((s, t))
                    held.append((s, label))
        for t in train_t:
            for _ in range(novel_per_template if "{" in t else 0):
                novel.append((decorate(fill(t, rng, False, 0.7), rng), label))
    rng.shuffle(train)
    return train, held, novel


# ---------------------------------------------------------------------------------------------
# BERT tokenization


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def basic_tokens(text, lower=True):
    """BERT's basic tokenizer: drops NUL, U+FFFD and control characters, spaces around CJK
    characters, splits on whitespace, lower-cases and strips accents (NFD, no Mn), and makes
    every punctuation character a token of its own."""
    chars = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        if is_whitespace(ch):
            chars.append(" ")
        elif is_cjk(cp):
            chars.extend([" ", ch, " "])
        else:
            chars.append(ch)
    tokens = []
    for word in "".join(chars).split():
        if lower:
            word = "".join(c for c in unicodedata.normalize("NFD", word.lower())
                           if unicodedata.category(c) != "Mn")
        current = []
        for c in word:
            if is_punctuation(c):
                if current:
                    tokens.append("".join(current))
                    current = []
                tokens.append(c)
            else:
                current.append(c)
        if current:
            tokens.append("".join(current))
    return tokens


def wordpiece(word, vocab, max_chars=100):
    """Greedy longest-match-first pieces of one word; [UNK] alone when a part has no piece."""
    if len(word) > max_chars:
        return [UNK]
    ids, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                found = vocab[piece]
                break
            end -= 1
        if found is None:
            return [UNK]
        ids.append(found)
        start = end
    return ids


def tokenize(text, vocab, seq=SEQ):
    """[CLS] pieces [SEP] [PAD]..., the pieces truncated to seq - 2."""
    ids = []
    for w in basic_tokens(text):
        ids.extend(wordpiece(w, vocab))
    ids = [CLS] + ids[:seq - 2] + [SEP]
    return ids + [PAD] * (seq - len(ids))


def build_vocab(texts, min_count=2, endings=60):
    """Specials, every character seen and its ## form, the words seen min_count times, and the
    `endings` commonest word endings (2-4 characters) of the rarer words as ## pieces."""
    words = collections.Counter(w for t in texts for w in basic_tokens(t))
    chars = sorted({c for w in words for c in w})
    pieces = list(SPECIALS) + chars + ["##" + c for c in chars]
    common = sorted(w for w, n in words.items() if n >= min_count and len(w) > 1)
    pieces += common
    rare = [w for w, n in words.items() if n < min_count]
    ends = collections.Counter()
    for w in words:
        for k in (2, 3, 4):
            if len(w) > k + 1:
                ends["##" + w[-k:]] += 1
    have = set(pieces)
    pieces += [e for e, n in sorted(ends.items(), key=lambda kv: (-kv[1], kv[0])) if e not in have][:endings]
    del rare
    return pieces


def read_vocab(path):
    with open(path, encoding="utf-8") as f:
        return {line.rstrip("\n"): i for i, line in enumerate(f)}


# ---------------------------------------------------------------------------------------------
# Model


def build_model():
    import torch
    import torch.nn as nn

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
            self.norm1 = nn.LayerNorm(HIDDEN)
            self.ff1 = nn.Linear(HIDDEN, FFN)
            self.ff2 = nn.Linear(FFN, HIDDEN)
            self.norm2 = nn.LayerNorm(HIDDEN)
            self.act = nn.GELU()

        def split(self, t):
            return t.reshape(t.shape[0], SEQ, HEADS, HIDDEN // HEADS).transpose(1, 2)

        def forward(self, x, bias):
            q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
            scores = torch.matmul(q, k.transpose(2, 3)) / float(np.sqrt(HIDDEN // HEADS)) + bias
            att = torch.softmax(scores, dim=-1)
            y = torch.matmul(att, v).transpose(1, 2).reshape(x.shape[0], SEQ, HIDDEN)
            x = self.norm1(x + self.o(y))
            return self.norm2(x + self.ff2(self.act(self.ff1(x))))

    class Intent(nn.Module):
        def __init__(self, vocab_size):
            super().__init__()
            self.tokens = nn.Embedding(vocab_size, HIDDEN)
            self.positions = nn.Parameter(torch.zeros(1, SEQ, HIDDEN))
            nn.init.normal_(self.positions, std=0.02)
            self.norm = nn.LayerNorm(HIDDEN)
            self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
            self.head = nn.Linear(HIDDEN, len(LABELS))
            # The attention mask as a lookup (a Gather, which int8 quantizes like the token
            # embedding): [PAD] keys get -30 added to their scores, exp(-30) ~ 1e-13 of a real
            # key's weight, a small enough range for int8 scores; every other id 0.
            pad_bias = torch.zeros(vocab_size)
            pad_bias[PAD] = -30.0
            self.register_buffer("pad_bias", pad_bias)

        def forward(self, input_ids):
            bias = self.pad_bias[input_ids].reshape(input_ids.shape[0], 1, 1, SEQ)
            x = self.norm(self.tokens(input_ids) + self.positions)
            for layer in self.layers:
                x = layer(x, bias)
            return self.head(x[:, 0])

    return Intent


def evaluate(model, ids, labels):
    import torch
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(ids)).argmax(1).numpy()
    return pred


def report(pred, labels, title):
    print(f"{title}: {np.mean(pred == labels) * 100:.2f}% of {len(labels)}")
    for c, name in enumerate(LABELS):
        m = labels == c
        if m.any():
            print(f"  {name:13s} {np.mean(pred[m] == c) * 100:6.1f}% of {m.sum()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "intent.onnx"))
    ap.add_argument("--dump", metavar="DIR", help="write the data set's sentences and ids, no training")
    a = ap.parse_args()
    train, held, novel = make_data(a.seed)
    out_dir = os.path.dirname(os.path.abspath(a.out))
    vocab_path = os.path.join(out_dir, "intent_vocab.txt")

    if a.dump:
        vocab = read_vocab(vocab_path)
        os.makedirs(a.dump, exist_ok=True)
        texts = [t for t, _ in train + novel + held]
        with open(os.path.join(a.dump, "sentences.txt"), "w", encoding="utf-8") as f:
            f.writelines(t + "\n" for t in texts)
        np.save(os.path.join(a.dump, "ids.npy"), np.array([tokenize(t, vocab) for t in texts], np.int64))
        print(f"{len(texts)} sentences ({len(train)} training, {len(novel)} with made-up words, {len(held)} held-out) "
              f"in {a.dump}")
        return 0

    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)  # faster than 2 on a loaded 2-core machine
    torch.manual_seed(a.seed)
    torch.use_deterministic_algorithms(True)

    pieces = build_vocab([t for t, _ in train])
    vocab = {p: i for i, p in enumerate(pieces)}
    x = np.array([tokenize(t, vocab) for t, _ in train + novel], np.int64)
    y = np.array([l for _, l in train + novel], np.int64)
    hx = np.array([tokenize(t, vocab) for t, _ in held], np.int64)
    hy = np.array([l for _, l in held], np.int64)
    unk = np.mean(hx == UNK) / np.mean(hx != PAD) * 100
    print(f"{len(train)} training (and {len(novel)} with made-up slot words) and {len(held)} held-out commands, {len(pieces)} pieces, "
          f"held-out [UNK] {unk:.2f}% of tokens, longest {int((x != PAD).sum(1).max())} tokens")

    model = build_model()(len(pieces))
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    steps = a.epochs * ((len(x) + 63) // 64)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=steps, pct_start=0.1)
    gen = np.random.RandomState(a.seed + 1)
    t0 = time.time()
    for epoch in range(a.epochs):
        model.train()
        order = gen.permutation(len(x))
        total = 0.0
        for i in range(0, len(x), 64):
            b = order[i:i + 64]
            xb = torch.from_numpy(x[b])
            # Word dropout: a few real tokens become [UNK], for slot values never seen.
            drop = (torch.from_numpy(gen.random_sample(xb.shape) < 0.08)) & (xb > SEP)
            xb = torch.where(drop, torch.full_like(xb, UNK), xb)
            loss = F.cross_entropy(model(xb), torch.from_numpy(y[b]), label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(b)
        hp = evaluate(model, hx, hy)
        print(f"epoch {epoch + 1:2d}  loss {total / len(x):.4f}  held-out {np.mean(hp == hy) * 100:.2f}%  "
              f"{time.time() - t0:.0f} s", flush=True)
    model.eval()
    report(evaluate(model, x, y), y, "training")
    report(evaluate(model, hx, hy), hy, "held-out")

    with open(vocab_path, "w", encoding="utf-8") as f:
        f.writelines(p + "\n" for p in pieces)
    with open(os.path.join(out_dir, "intent_labels.txt"), "w") as f:
        f.writelines(n + "\n" for n in LABELS)
    with open(os.path.join(out_dir, "intent_heldout.txt"), "w", encoding="utf-8") as f:
        f.writelines(f"{LABELS[l]}\t{t}\n" for t, l in held)
    np.save(os.path.join(out_dir, "intent_heldout_ids.npy"), hx.astype(np.int32))
    np.save(os.path.join(out_dir, "intent_calib.npy"), x[np.random.RandomState(a.seed + 2).permutation(len(x))[:128]])
    # A few held-out commands, one per class (from its k-th held-out phrasing, k turning), for
    # the firmware and the quickstart.
    picks = []
    for l in range(len(LABELS)):
        rows = [t for t, c in held if c == l]
        per = len(rows) // len(TEMPLATES[LABELS[l]][1])
        picks.append(rows[(l % len(TEMPLATES[LABELS[l]][1])) * per + 1])
    with open(os.path.join(out_dir, "intent_commands.txt"), "w", encoding="utf-8") as f:
        f.writelines(t + "\n" for t in picks)
    with torch.no_grad():
        torch.onnx.export(model, (torch.from_numpy(hx[:1]),), a.out, input_names=["input_ids"],
                          output_names=["logits"], opset_version=17)
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes) and its files in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
