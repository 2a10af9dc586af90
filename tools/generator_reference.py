#!/usr/bin/env python3
"""Independent reference for Tessera's Generator (src/Tessera/Random/Generator.cs): SplitMix64 seeding,
xoshiro256** (Blackman & Vigna's reference algorithm), 24/53-bit uniform floats, rejection-sampled
integers and Box-Muller normals (cosine first, sine kept for the next call).

Prints the first values that tests/Tessera.Tests/Tensors/TensorBasicsTests.cs
(SameSeedGivesSameNumbersAndKnownFirstValues) pins as literals. Needs only the standard library:
  python3 tools/generator_reference.py
"""
import math, struct

M = (1 << 64) - 1


def splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return x, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


class Generator:
    def __init__(self, seed):
        x, self.s = seed, []
        for _ in range(4):
            x, z = splitmix(x)
            self.s.append(z)
        self.spare = None

    def u64(self):
        s0, s1, s2, s3 = self.s
        r = (rotl((s1 * 5) & M, 7) * 9) & M
        t = (s1 << 17) & M
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return r

    def double(self):
        return (self.u64() >> 11) * (1.0 / (1 << 53))

    def float(self):
        return (self.u64() >> 40) / float(1 << 24)

    def int64(self, low, high):
        rng = high - low
        limit = M - (M % rng)
        while True:
            r = self.u64()
            if r < limit:
                return low + r % rng

    def normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        while True:
            u1 = self.double()
            if u1 > 5e-324:
                break
        u2 = self.double()
        r, theta = math.sqrt(-2.0 * math.log(u1)), 2.0 * math.pi * u2
        self.spare = r * math.sin(theta)
        return r * math.cos(theta)


def f32_bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


if __name__ == "__main__":
    # SplitMix64 from 0 gives the published reference outputs 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ...
    x, words = 0, []
    for _ in range(4):
        x, z = splitmix(x)
        words.append(f"0x{z:016X}")
    print("SplitMix64 from 0:", ", ".join(words))
    g = Generator(0)
    print("NextUInt64, seed 0:", ", ".join(f"0x{g.u64():016X}" for _ in range(4)))
    g = Generator(42)
    n = [g.normal() for _ in range(6)]
    print("Randn f32 bits, seed 42:", ", ".join(f"0x{f32_bits(v):08X}" for v in n))
    print("Randn f64, seed 42:", ", ".join(repr(v) for v in n[:4]))
    g = Generator(1)
    print("Rand f32 bits, seed 1:", ", ".join(f"0x{f32_bits(g.float()):08X}" for _ in range(6)))
    g = Generator(1)
    print("Rand f64, seed 1:", ", ".join(repr(g.double()) for _ in range(4)))
    g = Generator(2)
    print("Randint(3, 7), seed 2:", [g.int64(3, 7) for _ in range(12)])
