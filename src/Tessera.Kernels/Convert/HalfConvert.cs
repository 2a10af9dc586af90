using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Convert;

/// <summary>
/// Conversions between float32 and the 16-bit float formats (bfloat16 as raw <see cref="ushort"/> bits, IEEE
/// half as <see cref="Half"/>). float32 → 16-bit rounds to nearest, ties to even; NaN becomes the canonical quiet NaN 0x7FC0 (as PyTorch) and
/// infinities stay infinite; 16-bit → float32 is exact. Long spans run in parallel.
/// </summary>
internal static class HalfConvert
{
    private const int Grain = 1 << 15;

    /// <summary>dst[i] = bfloat16 bits nearest to src[i].</summary>
    public static unsafe void FloatToBFloat16(ReadOnlySpan<float> src, Span<ushort> dst) => Run(src, dst, &ToBf16);

    /// <summary>dst[i] = the float32 value of the bfloat16 bits src[i].</summary>
    public static unsafe void BFloat16ToFloat(ReadOnlySpan<ushort> src, Span<float> dst) => Run(src, dst, &FromBf16);

    /// <summary>dst[i] = (Half)src[i] (ties to even).</summary>
    public static unsafe void FloatToHalf(ReadOnlySpan<float> src, Span<Half> dst) => Run(src, dst, &ToHalf);

    /// <summary>dst[i] = (float)src[i].</summary>
    public static unsafe void HalfToFloat(ReadOnlySpan<Half> src, Span<float> dst) => Run(src, dst, &FromHalf);

    /// <summary>Runs a conversion loop over the whole span, in chunks over threads when it is long.</summary>
    private static unsafe void Run<TS, TD>(ReadOnlySpan<TS> src, Span<TD> dst, delegate*<TS*, TD*, int, void> body)
        where TS : unmanaged where TD : unmanaged
    {
        Check(src.Length, dst.Length);
        fixed (TS* s = src) fixed (TD* d = dst)
        {
            TS* ps = s; TD* pd = d;
            if (src.Length < 2 * Grain) body(ps, pd, src.Length);
            else ParallelRuntime.For(0, src.Length, Grain, (a, b) => body(ps + a, pd + a, (int)(b - a)));
        }
    }

    private static unsafe void ToHalf(float* src, Half* dst, int n) =>
        TensorPrimitives.ConvertToHalf(new ReadOnlySpan<float>(src, n), new Span<Half>(dst, n));

    private static unsafe void FromHalf(Half* src, float* dst, int n) =>
        TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(src, n), new Span<float>(dst, n));

    private static void Check(int src, int dst)
    {
        if (src != dst) throw new ArgumentException($"Source has {src} elements but destination has {dst}.");
    }

    /// <summary>The scalar rule every vector path must match: round to nearest even, every NaN to 0x7FC0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort RoundToBFloat16(uint bits)
    {
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u) return 0x7FC0;   // every NaN becomes the canonical quiet NaN, as PyTorch does
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void ToBf16(float* src, ushort* dst, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && !Operators.KernelOptions.DisableSimd)
        {
            var absMask = Vector256.Create(0x7FFF_FFFFu);
            var inf = Vector256.Create(0x7F80_0000u);
            var bias = Vector256.Create(0x7FFFu);
            var one = Vector256.Create(1u);
            var nanBits = Vector256.Create(0x7FC0u);
            for (; i <= n - 16; i += 16)
            {
                var lo = Round(Vector256.Load((uint*)(src + i)), absMask, inf, bias, one, nanBits);
                var hi = Round(Vector256.Load((uint*)(src + i + 8)), absMask, inf, bias, one, nanBits);
                // Narrow works lane-wise on the whole vector (no in-lane interleave as packus would), so the order is kept.
                Vector256.Narrow(lo, hi).Store(dst + i);
            }
        }
        for (; i < n; i++) dst[i] = RoundToBFloat16(((uint*)src)[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<uint> bits, Vector256<uint> absMask, Vector256<uint> inf, Vector256<uint> bias, Vector256<uint> one, Vector256<uint> nanBits)
    {
        var rounded = (bits + bias + ((bits >> 16) & one)) >> 16;
        var nan = Vector256.GreaterThan(bits & absMask, inf);
        return Vector256.ConditionalSelect(nan, nanBits, rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void FromBf16(ushort* src, float* dst, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && !Operators.KernelOptions.DisableSimd)
        {
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(src + i));
                (lo << 16).Store((uint*)(dst + i));
                (hi << 16).Store((uint*)(dst + i + 8));
            }
        }
        for (; i < n; i++) ((uint*)dst)[i] = (uint)src[i] << 16;
    }
}
