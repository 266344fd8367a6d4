namespace CowPages;

/// <summary>One address range compared between a parent (reference) and a child (difference). Output of Compare-ForkPages.</summary>
public sealed class ForkComparison
{
    internal ForkComparison(int referenceId, int differenceId, MemoryMapping mapping, ulong start, ulong end,
        ForkMappingSide mappedIn, in ForkStateCounts counts, CowMethod method)
    {
        ReferenceId = referenceId;
        DifferenceId = differenceId;
        Mapping = mapping.Name;
        Start = start;
        End = end;
        Permissions = mapping.Permissions;
        MappedIn = mappedIn;
        Pages = PageGeometry.PageOf(end - start);
        Shared = counts.Shared;
        Copied = counts.Copied;
        Zero = counts.Zero;
        ReferenceOnly = counts.ReferenceOnly;
        DifferenceOnly = counts.DifferenceOnly;
        Swapped = counts.Swapped;
        NotPresent = counts.NotPresent;
        Method = method;
    }

    public int ReferenceId { get; }

    public int DifferenceId { get; }

    public string Mapping { get; }

    public ulong Start { get; }

    public ulong End { get; }

    public string Permissions { get; }

    /// <summary>Both when the range was compared; otherwise the one side that maps it, and all state counts are 0.</summary>
    public ForkMappingSide MappedIn { get; }

    public ulong Pages { get; }

    public ulong Shared { get; }

    public ulong Copied { get; }

    public ulong Zero { get; }

    public ulong ReferenceOnly { get; }

    public ulong DifferenceOnly { get; }

    public ulong Swapped { get; }

    public ulong NotPresent { get; }

    public ulong CopiedBytes => PageGeometry.Bytes(Copied);

    public ulong SharedBytes => PageGeometry.Bytes(Shared);

    public CowMethod Method { get; }
}
