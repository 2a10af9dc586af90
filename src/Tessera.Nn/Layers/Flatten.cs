namespace Tessera.Nn.Layers;

/// <summary>Flattens dims <see cref="StartDim"/>..<see cref="EndDim"/> into one (by default all but the batch dim).</summary>
public sealed class Flatten : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    /// <summary>First dim flattened.</summary>
    public int StartDim { get; }

    /// <summary>Last dim flattened.</summary>
    public int EndDim { get; }

    /// <summary>(N, C, H, W) → (N, C·H·W) with the defaults.</summary>
    public override Tensor Forward(Tensor x) => x.Flatten(StartDim, EndDim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}
