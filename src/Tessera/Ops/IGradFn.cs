using System.Numerics;

namespace Tessera.Ops;

/// <summary>A fused elementwise backward kernel dx = f(g, saved), written once over the element type.</summary>
internal interface IGradFn
{
    /// <summary>Writes dx from the incoming gradient <paramref name="g"/> and the tensor the forward pass saved.</summary>
    void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> saved, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>;
}
