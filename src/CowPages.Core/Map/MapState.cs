namespace CowPages.Map;

/// <summary>
/// What the map draws for a page: the states of <see cref="ForkPageState"/>, with the same values so that a page's
/// state converts by a cast, and NotCompared for ranges that only one of the two processes maps.
/// </summary>
public enum MapState
{
    Shared = ForkPageState.Shared,
    Zero = ForkPageState.Zero,
    Copied = ForkPageState.Copied,
    ReferenceOnly = ForkPageState.ReferenceOnly,
    DifferenceOnly = ForkPageState.DifferenceOnly,
    Swapped = ForkPageState.Swapped,
    NotPresent = ForkPageState.NotPresent,
    /// <summary>The range is mapped by one process only, so its pages were not compared.</summary>
    NotCompared,
}
