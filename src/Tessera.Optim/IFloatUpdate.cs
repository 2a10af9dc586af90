using System.Numerics;

namespace Tessera.Optim;

/// <summary>A per-element optimizer update written once over the element type, run on one chunk of a parameter.</summary>
internal interface IFloatUpdate
{
    /// <summary>Updates elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    void Run<T>(int start, int count) where T : unmanaged, IFloatingPointIeee754<T>;
}
