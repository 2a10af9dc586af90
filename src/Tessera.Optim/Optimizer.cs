namespace Tessera.Optim;

/// <summary>
/// Base class of optimizers: parameter groups with their own hyper-parameters, per-parameter state,
/// <see cref="ZeroGrad"/>, <see cref="Step"/> and a state dictionary for checkpoints. Updates follow
/// PyTorch 1.13's single-tensor ("for-loop") implementations and run in place under
/// <see cref="GradMode.NoGrad"/>.
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Tensor, ParamState> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>An optimizer over one group holding <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, double> defaults)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], defaults)
    {
    }

    /// <summary>An optimizer over <paramref name="groups"/>; options a group leaves unset come from <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, IReadOnlyDictionary<string, double> defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        Defaults = new Dictionary<string, double>(defaults, StringComparer.Ordinal);
        var list = groups.ToList();
        if (list.Count == 0) throw new ArgumentException("Optimizer got an empty parameter list.", nameof(groups));
        foreach (var g in list) AddParamGroup(g);
    }

    /// <summary>Default hyper-parameters (PyTorch names) for groups that do not set their own.</summary>
    public IReadOnlyDictionary<string, double> Defaults { get; }

    /// <summary>The parameter groups in order.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>All parameters, groups in order.</summary>
    public IEnumerable<Tensor> Parameters => _groups.SelectMany(g => g.Params);

    /// <summary>Adds a group; its unset options are filled from <see cref="Defaults"/> and then validated.</summary>
    /// <exception cref="ArgumentException">When the group is empty, shares a parameter with another group, or has an invalid hyper-parameter.</exception>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Params.Count == 0) throw new ArgumentException("Optimizer got an empty parameter group.", nameof(group));
        var seen = new HashSet<Tensor>(Parameters, ReferenceEqualityComparer.Instance);
        foreach (var p in group.Params)
        {
            if (!p.DType.IsFloatingPoint()) throw new ArgumentException($"Can only optimize floating-point tensors, got {p.DType.Name()}.", nameof(group));
            if (!seen.Add(p)) throw new ArgumentException("Some parameters appear in more than one parameter group (or twice in one).", nameof(group));
        }
        foreach (var (k, v) in Defaults) group.Options.TryAdd(k, v);
        Validate(group);
        _groups.Add(group);
    }

    /// <summary>Checks a group's hyper-parameters; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    protected abstract void Validate(ParamGroup group);

    /// <summary>Throws "Invalid {what}: {value}" unless <paramref name="ok"/>.</summary>
    protected static void Require(bool ok, string what, double value)
    {
        if (!ok) throw new ArgumentException($"Invalid {what}: {ParamGroup.Format(value)}");
    }

    /// <summary>
    /// Clears the gradients of all parameters: sets them to null (default; memory autograd allocated for them is reused
    /// by the next backward, so clone a gradient to keep it past this call) or zeroes them in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters)
        {
            if (p.Grad is null) continue;
            if (setToNone) p.ReleaseGrad();
            else using (GradMode.NoGrad()) p.Grad.Detach().Zero_();
        }
    }

    /// <summary>Applies one update to every parameter that has a gradient (parameters with a null Grad are skipped).</summary>
    public void Step()
    {
        using var _ = GradMode.NoGrad();
        foreach (var group in _groups)
        {
            foreach (var p in group.Params)
            {
                var grad = p.Grad;
                if (grad is null) continue;
                if (!p.IsContiguous) throw new NotSupportedException("Optimizers update contiguous parameters only.");
                p.CheckWritable($"{GetType().Name}.Step");
                if (!ShapeEquals(grad, p)) throw new InvalidOperationException("Gradient shape does not match its parameter.");
                grad = grad.Detach();
                if (grad.DType != p.DType) grad = grad.To(p.DType);
                grad = grad.Contiguous();
                if (!_state.TryGetValue(p, out var state)) _state[p] = state = new ParamState();
                Update(group, p, grad, state);
            }
        }
    }

    /// <summary>
    /// Updates <paramref name="param"/> (contiguous) in place from <paramref name="grad"/> (contiguous, same dtype and
    /// shape) and its <paramref name="state"/>, with the group's hyper-parameters.
    /// </summary>
    protected abstract void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state);

    /// <summary>The state of <paramref name="param"/>, or null before its first update.</summary>
    public ParamState? GetState(Tensor param) => _state.GetValueOrDefault(param);

    /// <summary>A deep copy of the optimizer's state (see <see cref="OptimizerStateDict"/> for the format).</summary>
    public OptimizerStateDict StateDict()
    {
        var dict = new OptimizerStateDict();
        int index = 0;
        foreach (var g in _groups)
        {
            var indices = new int[g.Params.Count];
            for (int j = 0; j < indices.Length; j++, index++)
            {
                indices[j] = index;
                if (_state.TryGetValue(g.Params[j], out var s)) dict.State[index] = s.Clone();
            }
            dict.Groups.Add(new ParamGroupState { Options = new Dictionary<string, double>(g.Options, StringComparer.Ordinal), ParamIndices = indices });
        }
        return dict;
    }

    /// <summary>
    /// Restores hyper-parameters and per-parameter state saved by <see cref="StateDict"/> into this optimizer,
    /// whose groups must have the same sizes; state tensors are copied (and converted to each parameter's dtype).
    /// </summary>
    /// <exception cref="ArgumentException">When the group structure or a buffer's shape does not match.</exception>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.Groups.Count != _groups.Count)
            throw new ArgumentException($"Loaded state dict has {stateDict.Groups.Count} parameter groups, the optimizer has {_groups.Count}.", nameof(stateDict));
        var byIndex = new Dictionary<int, Tensor>();
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            var saved = stateDict.Groups[gi];
            var g = _groups[gi];
            if (saved.ParamIndices.Length != g.Params.Count)
                throw new ArgumentException($"Loaded parameter group {gi} has {saved.ParamIndices.Length} parameters, the optimizer's has {g.Params.Count}.", nameof(stateDict));
            for (int j = 0; j < g.Params.Count; j++) byIndex[saved.ParamIndices[j]] = g.Params[j];
        }
        var newState = new Dictionary<Tensor, ParamState>(ReferenceEqualityComparer.Instance);
        using var suspended = TensorScope.Suspend();   // the copies are optimizer state, owned by no scope
        foreach (var (i, s) in stateDict.State)
        {
            if (!byIndex.TryGetValue(i, out var p)) throw new ArgumentException($"Loaded state refers to unknown parameter index {i}.", nameof(stateDict));
            var copy = new ParamState { Step = s.Step };
            using (GradMode.NoGrad())
            {
                foreach (var (k, v) in s.Buffers)
                {
                    if (!ShapeEquals(v, p)) throw new ArgumentException($"State '{k}' of parameter {i} has the wrong shape.", nameof(stateDict));
                    var b = copy.Buffers[k] = v.Detach().To(p.DType).Clone();
                    TensorScope.Persist(b);
                }
            }
            newState[p] = copy;
        }
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            var opts = _groups[gi].Options;
            opts.Clear();
            foreach (var (k, v) in stateDict.Groups[gi].Options) opts[k] = v;
        }
        _state.Clear();
        foreach (var (p, s) in newState) _state[p] = s;
    }

    /// <summary>The buffer <paramref name="name"/> of <paramref name="state"/>, created (zeros, or <paramref name="fill"/>) on first use.</summary>
    protected internal static Tensor Buffer(ParamState state, string name, Tensor param, double fill = 0)
    {
        if (!state.Buffers.TryGetValue(name, out var b))
        {
            // Optimizer state outlives the step that creates it (usually the first): no scope may own it.
            using (TensorScope.Suspend()) b = Tensor.Full(param.ShapeArray(), fill, param.DType);
            TensorScope.Persist(b);
            state.Buffers[name] = b;
        }
        return b;
    }

    private static bool ShapeEquals(Tensor a, Tensor b) => a.Shape.SequenceEqual(b.Shape);
}
