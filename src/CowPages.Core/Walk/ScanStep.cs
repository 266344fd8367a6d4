namespace CowPages.Walk;

/// <summary>What a <see cref="ScanWalk"/> asks its caller to do next, over pages [FirstPage, EndPage).</summary>
internal readonly record struct ScanStep(ScanStepKind Kind, ulong FirstPage, ulong EndPage, ulong SkippedPages = 0);

internal enum ScanStepKind
{
    /// <summary>
    /// A scan covered the window: its runs follow, unless the caller leaves the window out with
    /// <see cref="ScanWalk.SkipWindow"/> (its mapping changed since the maps were read).
    /// </summary>
    Window,

    /// <summary>Pages the scan found present or swapped, with the gaps closer than the merge gap: read them.</summary>
    Run,

    /// <summary>The window's runs are read; <see cref="ScanStep.SkippedPages"/> of it were neither present nor swapped.</summary>
    Passed,

    /// <summary>Read the rest of the range plainly: it is small, dense, or could not be scanned.</summary>
    Rest,
}
