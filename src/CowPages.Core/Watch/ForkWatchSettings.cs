using System;
using System.Collections.Generic;

namespace CowPages.Watch;

/// <summary>What a watch samples, and how often: the parameters of Watch-ForkPages.</summary>
public sealed class ForkWatchSettings
{
    /// <summary>The process the others are compared with: the parent, master or server.</summary>
    public int ReferenceId { get; init; }

    /// <summary>The processes to compare with it; null to follow the reference's children, found again every tick.</summary>
    public IReadOnlyList<int>? DifferenceIds { get; init; }

    /// <summary>Time between the starts of two ticks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to watch; null to watch until the reference (or every difference process) exits.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Pfn or ExclusiveBit; null for the best the source allows.</summary>
    public CowMethod? Method { get; init; }

    /// <summary>One sample per child per mapping name per tick, instead of one per child.</summary>
    public bool ByMapping { get; init; }
}
