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

    /// <summary>Whether <see cref="Mapping"/> is private anonymous memory (<see cref="MemoryMapping.IsPrivateAnonymous"/>).</summary>
    public bool PrivateAnonymous => Mapping.IsPrivateAnonymous;
}
