namespace CowPages.Map;

/// <summary>Adds to <see cref="ForkStateCounts"/> many pages at a time, which the map needs and the comparison does not.</summary>
internal static class StateCounts
{
    internal static void Add(ref ForkStateCounts counts, ForkPageState state, ulong pages)
    {
        switch (state)
        {
            case ForkPageState.Shared: counts.Shared += pages; break;
            case ForkPageState.Zero: counts.Zero += pages; break;
            case ForkPageState.Copied: counts.Copied += pages; break;
            case ForkPageState.ReferenceOnly: counts.ReferenceOnly += pages; break;
            case ForkPageState.DifferenceOnly: counts.DifferenceOnly += pages; break;
            case ForkPageState.Swapped: counts.Swapped += pages; break;
            default: counts.NotPresent += pages; break;
        }
    }

    /// <summary>The counts a ForkComparison reports.</summary>
    internal static ForkStateCounts Of(ForkComparison c) => new()
    {
        Shared = c.Shared,
        Zero = c.Zero,
        Copied = c.Copied,
        ReferenceOnly = c.ReferenceOnly,
        DifferenceOnly = c.DifferenceOnly,
        Swapped = c.Swapped,
        NotPresent = c.NotPresent,
    };

    internal static void AddAll(ref ForkStateCounts counts, in ForkStateCounts more)
    {
        counts.Shared += more.Shared;
        counts.Zero += more.Zero;
        counts.Copied += more.Copied;
        counts.ReferenceOnly += more.ReferenceOnly;
        counts.DifferenceOnly += more.DifferenceOnly;
        counts.Swapped += more.Swapped;
        counts.NotPresent += more.NotPresent;
    }
}
