namespace Tessera;

/// <summary>
/// Seeded pseudo-random generator (xoshiro256** seeded through SplitMix64). The same seed gives the
/// same numbers on every machine: only integer arithmetic decides the stream, and floats are derived
/// from it with exact conversions. State can be saved and restored for checkpoints.
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>The process-wide generator used when none is given.</summary>
    public static Generator Default { get; } = new(0x5EED);

    /// <summary>A generator seeded with <paramref name="seed"/>.</summary>
    public Generator(ulong seed) => ManualSeed(seed);

    /// <summary>Restarts the stream from <paramref name="seed"/>.</summary>
    public void ManualSeed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _spareNormal = null;
    }

    /// <summary>The full state (for checkpoints): four words plus the cached normal deviate.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _spareNormal is { } v ? 1UL : 0UL, _spareNormal is { } w ? (ulong)BitConverter.DoubleToInt64Bits(w) : 0UL];

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    /// <exception cref="ArgumentException">When the state does not have 6 words or is all zero.</exception>
    public void SetState(ulong[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != 6) throw new ArgumentException($"Generator state must have 6 words, got {state.Length}.", nameof(state));
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new ArgumentException("Generator state words are all zero.", nameof(state));
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareNormal = state[4] != 0 ? BitConverter.Int64BitsToDouble((long)state[5]) : null;
    }

    /// <summary>Next 64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform integer in [low, high).</summary>
    /// <exception cref="ArgumentException">When high &lt;= low.</exception>
    public long NextInt64(long low, long high)
    {
        if (high <= low) throw new ArgumentException($"randint needs low < high, got low={low}, high={high}.");
        ulong range = (ulong)(high - low);
        // Rejection sampling removes modulo bias.
        ulong limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return low + (long)(r % range);
    }

    /// <summary>Standard normal deviate (Box–Muller, both values used).</summary>
    public double NextNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u1;
        do u1 = NextDouble(); while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double theta = 2.0 * Math.PI * u2;
        _spareNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
