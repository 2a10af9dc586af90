namespace Tessera.Data;

/// <summary>
/// Where a <see cref="DataLoader"/> stands, for checkpoints: the shuffle seed, the epoch, and how many
/// batches of that epoch were already handed out. Restoring it with <see cref="DataLoader.SetState"/>
/// makes the next enumeration continue with exactly the batches that would have come next.
/// </summary>
/// <param name="Seed">The loader's shuffle seed (checked on restore).</param>
/// <param name="Epoch">The current epoch, from 0.</param>
/// <param name="Position">Batches of <paramref name="Epoch"/> already delivered.</param>
public readonly record struct DataLoaderState(ulong Seed, int Epoch, int Position);
