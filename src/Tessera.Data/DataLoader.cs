using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Tessera.Data;

/// <summary>
/// Iterates a dataset in mini-batches: optional shuffling reproducible from (seed, epoch), optional
/// dropping of the last incomplete batch, and background preparation of the next batches on a worker
/// thread. Each enumeration yields the rest of the current epoch and then moves to the next epoch, so
/// <c>for (epoch...) foreach (var batch in loader)</c> walks epochs 0, 1, 2, ...
/// </summary>
/// <remarks>
/// With prefetching, the dataset's <see cref="Dataset{T}.Get"/> (or <see cref="IBatchSource.GetBatch"/>)
/// and the collate function run on the worker thread, so they must be safe to call there; the
/// datasets in this library only read immutable tensors. One enumeration may be active at a time.
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly Func<IReadOnlyList<Sample>, Batch>? _collate;
    private int _active;

    /// <summary>A loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The examples.</param>
    /// <param name="batchSize">Examples per batch, at least 1.</param>
    /// <param name="shuffle">Visit examples in a random order, a new permutation per epoch.</param>
    /// <param name="seed">Seed of the shuffle: the order of epoch e depends only on (seed, e). Pass <c>generator.NextUInt64()</c> to tie it to a <see cref="Generator"/>.</param>
    /// <param name="dropLast">Skip the last batch of an epoch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="prefetch">Batches prepared ahead on a worker thread; 0 prepares them on the consuming thread.</param>
    /// <param name="collate">Turns a list of examples into a batch; default: gather rows of an <see cref="IBatchSource"/>, else <see cref="Collate.Stack"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="batchSize"/> &lt; 1 or <paramref name="prefetch"/> &lt; 0.</exception>
    public DataLoader(Dataset<Sample> dataset, int batchSize, bool shuffle = false, ulong seed = 0, bool dropLast = false, int prefetch = 2,
        Func<IReadOnlyList<Sample>, Batch>? collate = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be at least 1, got {batchSize}.");
        if (prefetch < 0) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, $"prefetch must be 0 (no worker) or more, got {prefetch}.");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        Prefetch = prefetch;
        _collate = collate;
    }

    /// <summary>The examples.</summary>
    public Dataset<Sample> Dataset { get; }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits examples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Shuffle seed.</summary>
    public ulong Seed { get; }

    /// <summary>Whether an incomplete last batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches prepared ahead on the worker thread (0: none, no worker).</summary>
    public int Prefetch { get; }

    /// <summary>The epoch the next batch belongs to.</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches of <see cref="Epoch"/> already delivered.</summary>
    public int Position { get; private set; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The state to save in a checkpoint.</summary>
    public DataLoaderState GetState() => new(Seed, Epoch, Position);

    /// <summary>Restores a state from <see cref="GetState"/>; the next enumeration continues from there.</summary>
    /// <exception cref="ArgumentException">When the seed differs from this loader's or the epoch/position are out of range.</exception>
    /// <exception cref="InvalidOperationException">While an enumeration is active.</exception>
    public void SetState(DataLoaderState state)
    {
        if (Volatile.Read(ref _active) != 0) throw new InvalidOperationException("Cannot restore a DataLoader state while it is being enumerated.");
        if (state.Seed != Seed) throw new ArgumentException($"The state was saved with shuffle seed {state.Seed}, this loader has seed {Seed}.", nameof(state));
        if (state.Epoch < 0) throw new ArgumentException($"State epoch must be non-negative, got {state.Epoch}.", nameof(state));
        if (state.Position < 0 || state.Position > BatchesPerEpoch)
            throw new ArgumentException($"State position {state.Position} is outside 0..{BatchesPerEpoch} (batches per epoch).", nameof(state));
        Epoch = state.Epoch;
        Position = state.Position;
    }

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the examples (identity when not shuffling).</summary>
    public int[] EpochOrder(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"epoch must be non-negative, got {epoch}.");
        int n = Dataset.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (!Shuffle) return order;
        // A fresh generator per epoch makes any epoch's order computable without replaying earlier ones.
        var g = new Generator(Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)g.NextInt64(0, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Enumerates the remaining batches of the current epoch; at the end, moves to the next epoch.</summary>
    /// <exception cref="InvalidOperationException">When another enumeration of this loader is active.</exception>
    public IEnumerator<Batch> GetEnumerator()
    {
        if (Interlocked.CompareExchange(ref _active, 1, 0) != 0)
            throw new InvalidOperationException("This DataLoader is already being enumerated; finish or dispose the other enumerator first.");
        try
        {
            if (Position >= BatchesPerEpoch && Position > 0)
            {
                // A state saved right after the last batch of an epoch resumes at the next epoch.
                Epoch++;
                Position = 0;
            }
            return new Enumerator(this, EpochOrder(Epoch), Position);
        }
        catch
        {
            Volatile.Write(ref _active, 0);
            throw;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Batch MakeBatch(int[] order, int batchIndex)
    {
        int start = batchIndex * BatchSize;
        int count = Math.Min(BatchSize, order.Length - start);
        var indices = new ReadOnlySpan<int>(order, start, count);
        if (_collate is null && Dataset is IBatchSource source) return source.GetBatch(indices);
        var samples = new Sample[count];
        for (int i = 0; i < count; i++) samples[i] = Dataset.Get(indices[i]);
        return (_collate ?? Collate.Stack)(samples);
    }

    private void Advance(int epoch) // called on the consuming thread after each delivered batch
    {
        if (Epoch == epoch) Position++;
    }

    private void Finish(int epoch)
    {
        if (Epoch == epoch)
        {
            Epoch++;
            Position = 0;
        }
    }

    private sealed class Enumerator : IEnumerator<Batch>
    {
        private readonly DataLoader _loader;
        private readonly int[] _order;
        private readonly int _epoch;
        private readonly int _end;
        private int _next;
        private bool _done;
        private bool _disposed;
        private Batch? _current;

        // Worker state (null without prefetch).
        private readonly BlockingCollection<(Batch? Batch, ExceptionDispatchInfo? Error)>? _queue;
        private readonly CancellationTokenSource? _cancel;
        private readonly Thread? _worker;

        public Enumerator(DataLoader loader, int[] order, int start)
        {
            _loader = loader;
            _order = order;
            _epoch = loader.Epoch;
            _end = loader.BatchesPerEpoch;
            _next = start;
            if (loader.Prefetch > 0 && start < _end)
            {
                _queue = new BlockingCollection<(Batch?, ExceptionDispatchInfo?)>(loader.Prefetch);
                _cancel = new CancellationTokenSource();
                _worker = new Thread(Produce) { IsBackground = true, Name = "Tessera.DataLoader" };
                _worker.Start();
            }
        }

        public Batch Current => _current ?? throw new InvalidOperationException("Enumeration has not started or has ended.");

        object IEnumerator.Current => Current;

        private void Produce()
        {
            var token = _cancel!.Token;
            try
            {
                for (int b = _next; b < _end && !token.IsCancellationRequested; b++)
                {
                    (Batch?, ExceptionDispatchInfo?) item;
                    try
                    {
                        item = (_loader.MakeBatch(_order, b), null);
                    }
                    catch (Exception e)
                    {
                        _queue!.Add((null, ExceptionDispatchInfo.Capture(e)), token);
                        return;
                    }
                    _queue!.Add(item, token);
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed by the consumer: stop quietly.
            }
            finally
            {
                _queue!.CompleteAdding();
            }
        }

        public bool MoveNext()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_done) return false;
            if (_next >= _end)
            {
                End();
                return false;
            }
            if (_queue is null)
            {
                _current = _loader.MakeBatch(_order, _next);
            }
            else
            {
                if (!_queue.TryTake(out var item, Timeout.Infinite))
                    throw new InvalidOperationException("The DataLoader worker stopped before producing all batches.");
                if (item.Error is { } error)
                {
                    _done = true;
                    _current = null;
                    error.Throw();
                }
                _current = item.Batch;
            }
            _next++;
            _loader.Advance(_epoch);
            return true;
        }

        private void End()
        {
            _done = true;
            _current = null;
            _loader.Finish(_epoch);
        }

        public void Reset() => throw new NotSupportedException("DataLoader enumerators cannot be reset; enumerate the loader again.");

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (_worker is not null)
            {
                _cancel!.Cancel();
                _worker.Join();
                _queue!.Dispose();
                _cancel.Dispose();
            }
            Volatile.Write(ref _loader._active, 0);
        }
    }
}
