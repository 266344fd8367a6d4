namespace CowPages.Fork;

/// <summary>
/// A range of addresses over which two processes' mappings line up the same way: both map it under the same
/// name (compared), or only one of them does (reported, not compared).
/// </summary>
public sealed class ForkSegment
{
    internal ForkSegment(ulong start, ulong end, MemoryMapping? reference, MemoryMapping? difference, ForkMappingSide side)
    {
        Start = start;
        End = end;
        Reference = reference;
        Difference = difference;
        Side = side;
    }

    public ulong Start { get; }

    public ulong End { get; }

    public MemoryMapping? Reference { get; }

    public MemoryMapping? Difference { get; }

    public ForkMappingSide Side { get; }

    /// <summary>The mapping this segment describes: the reference's, or the difference's when only it maps the range.</summary>
    public MemoryMapping Mapping => Reference ?? Difference!;

    public ulong Pages => (End - Start) >> PageGeometry.PageShift;

    /// <summary>
    /// Private and anonymous: the only kind of mapping where a file-bit page is the huge zero page. Special mappings
    /// such as <c>[vdso]</c> are private with no inode too, but hold ordinary kernel pages that pagemap reports with
    /// PM_FILE; only unnamed ranges, <c>[heap]</c>, <c>[stack]</c> and <c>[anon:NAME]</c> are anonymous VMAs.
    /// </summary>
    public bool PrivateAnonymous => Mapping.IsPrivate && !Mapping.IsFileBacked
        && (!Mapping.IsPseudo || Mapping.Path is "[heap]" or "[stack]" || Mapping.Path!.StartsWith("[anon:", System.StringComparison.Ordinal));
}
