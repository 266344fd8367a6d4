namespace CowPages;

/// <summary>What happened to one virtual page between a parent (reference) and a child (difference).</summary>
public enum ForkPageState
{
    /// <summary>Both map the same frame, and it is not the zero page: the copy-on-write is still pending.</summary>
    Shared,
    /// <summary>Both map the shared zero page (or the huge zero page): nothing was ever written.</summary>
    Zero,
    /// <summary>Both have the page, in different frames: one side wrote it and got its own copy.</summary>
    Copied,
    /// <summary>Only the reference has the page present.</summary>
    ReferenceOnly,
    /// <summary>Only the difference has the page present (fork does not copy the page tables of mappings without anonymous pages).</summary>
    DifferenceOnly,
    /// <summary>Swapped out (or migrating) on either side.</summary>
    Swapped,
    /// <summary>Present on neither side. Guard markers count here too: they hold no page.</summary>
    NotPresent,
}
