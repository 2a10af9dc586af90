namespace Tessera.Nn.Layers;

/// <summary>Lookup table: integer indices (any shape) → rows of weight (num_embeddings, embedding_dim).</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the table, initialised N(0, 1) with the padding row zeroed.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (numEmbeddings <= 0) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, $"Embedding num_embeddings must be positive, got {numEmbeddings}.");
        if (embeddingDim <= 0) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, $"Embedding embedding_dim must be positive, got {embeddingDim}.");
        if (paddingIdx is { } pi)
        {
            if (pi < -numEmbeddings || pi >= numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), paddingIdx, $"Embedding padding_idx must be in [-{numEmbeddings}, {numEmbeddings}), got {pi}.");
            paddingIdx = pi < 0 ? pi + numEmbeddings : pi;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([numEmbeddings, embeddingDim], dtype)))!;
        ResetParameters(generator);
    }

    /// <summary>Rows in the table.</summary>
    public int NumEmbeddings { get; }

    /// <summary>Row length.</summary>
    public int EmbeddingDim { get; }

    /// <summary>Row that stays zero-initialised and receives no gradient, or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>Table (num_embeddings, embedding_dim).</summary>
    public Parameter Weight { get; }

    /// <summary>Weight ~ N(0, 1), padding row = 0.</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.Normal(Weight, 0, 1, generator);
        if (PaddingIdx is { } p)
            using (GradMode.NoGrad()) Weight.Select(0, p).Zero_();
    }

    /// <summary>(*) int → (*, embedding_dim).</summary>
    public override Tensor Forward(Tensor x) => Functional.Embedding(x, Weight, PaddingIdx);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
}
