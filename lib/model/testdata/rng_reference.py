"""Independent reference for the golden values of lib/model/initial_weights_test.ts.

A transcription of the published algorithms, not of the TypeScript: splitmix32
seeding, xoshiro128** (Blackman & Vigna), murmur3's fmix32 for deriveSeed,
Marsaglia's polar method (static encoder) and Box-Muller (transformer), with
float32 rounding on store. Run with any Python 3: python3 rng_reference.py
"""
import math
import struct

M = 0xFFFFFFFF
G = 0x9E3779B9


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def fmix(x):
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & M
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & M
    return x ^ (x >> 16)


def absorb(h, v):
    lo, hi = v & M, (v >> 32) & M
    h = fmix(((h ^ lo) + G) & M)
    return fmix(((h ^ hi) + G) & M)


def derive_seed(seed, *streams):
    h = absorb(0x243F6A88, seed)
    for s in streams:
        h = absorb(h, s)
    return h


def splitmix_state(x):
    out = []
    for _ in range(4):
        x = (x + G) & M
        out.append(fmix(x))
    return out


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


class Xoshiro128:
    def __init__(self, state):
        self.s = list(state)

    def u32(self):
        a, b, c, d = self.s
        r = (rotl((b * 5) & M, 7) * 9) & M
        t = (b << 9) & M
        c ^= a
        d ^= b
        b ^= c
        a ^= d
        c ^= t
        d = rotl(d, 11)
        self.s = [a, b, c, d]
        return r

    def float(self):
        hi, lo = self.u32() >> 5, self.u32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992


def polar(rng, n, std):
    out = []
    while len(out) < n:
        x = 2 * ((rng.u32() + 0.5) / 2**32) - 1
        y = 2 * ((rng.u32() + 0.5) / 2**32) - 1
        r2 = x * x + y * y
        if r2 >= 1 or r2 == 0:
            continue
        f = std * math.sqrt(-2 * math.log(r2) / r2)
        out.append(f32(x * f))
        if len(out) < n:
            out.append(f32(y * f))
    return out


def uniform(rng, n, std):
    a = std * math.sqrt(3)
    return [f32(a * (2 * ((rng.u32() + 0.5) / 2**32) - 1)) for _ in range(n)]


print("Rng.fromSplitMix(7).nextU32():", Xoshiro128(splitmix_state(7)).u32())
print("static normal, seed 7, E[0..3]:", polar(Xoshiro128(splitmix_state(7)), 4, 1.0))
print("static uniform std 0.5, seed 7, E[0..3]:", uniform(Xoshiro128(splitmix_state(7)), 4, 0.5))
rng = Xoshiro128(splitmix_state(derive_seed(5)))
draws = []
for _ in range(44):
    u, v = 1 - rng.float(), rng.float()
    draws.append(f32(math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v) * 0.02))
print("transformer seed 5, word embeddings [40..43]:", draws[40:44])
rng = Xoshiro128(splitmix_state(derive_seed(7)))
print("dropout(0.5) mask, seed 7:", "".join("1" if rng.u32() / 2**32 < 0.5 else "0" for _ in range(64)))
