using System.Numerics;

namespace Tessera.Ops;

/// <summary>A parameterised elementwise forward kernel y = f(x), written once over the element type.</summary>
internal interface IMapFn
{
    /// <summary>Writes y = f(x).</summary>
    void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}
